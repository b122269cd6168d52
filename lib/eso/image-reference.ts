/**
 * Container image references, read as the container runtime reads them (`distribution/reference`'s
 * `ParseNormalizedNamed`), and the one rule on them every check of this package applies: an image
 * is pinned when it is a well-formed reference with a tag other than `latest` or a sha256 digest.
 * The rotation job's images, the environment file's `rotation.*Image` and the policy pass's
 * `pinned-images` rule all ask {@link isPinnedImage}.
 *
 * @see https://github.com/distribution/reference/blob/main/normalize.go
 * @see https://kubernetes.io/docs/concepts/containers/images/#image-names
 */

/**
 * The parts of an image reference.
 * @internal
 */
export interface ImageReference {
  /** The registry host (and port) as written, `undefined` for Docker Hub's short form. */
  readonly registry?: string;
  /** The repository path below the registry: `hashicorp/vault`. */
  readonly repository: string;
  /** The tag after `:`, when given. */
  readonly tag?: string;
  /** The digest after `@` (`sha256:<64 hex digits>`), when given. */
  readonly digest?: string;
}

/** What {@link isPinnedImage} allows, for the "allowed: ..." part of every message that applies it. */
export const PINNED_IMAGE_ALLOWED = 'an image pinned by a tag other than latest or by a sha256 digest, such as registry.example.com/hashicorp/vault:1.21.4';

const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const REPOSITORY = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const REGISTRY = new RegExp(`^${HOST}$`);
const TAG = /^[\w][\w.-]{0,127}$/;
const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;

/**
 * The parts of `image`, or `undefined` when it is no image reference. The first path element is a
 * registry only when it holds `.` or `:` or is `localhost`; anything else belongs to the
 * repository, which is lower-case (`Hashicorp/vault:1.21.4` is no reference). A digest is sha256.
 * @internal
 */
export function parseImageReference(image: string): ImageReference | undefined {
  const at = image.indexOf('@');
  const digest = at < 0 ? undefined : image.slice(at + 1);
  const named = at < 0 ? image : image.slice(0, at);
  if (digest !== undefined && !SHA256_DIGEST.test(digest)) return undefined;
  const slash = named.indexOf('/');
  const first = slash < 0 ? '' : named.slice(0, slash);
  const hasRegistry = slash >= 0 && (/[.:]/.test(first) || first === 'localhost');
  const registry = hasRegistry ? first : undefined;
  const rest = hasRegistry ? named.slice(slash + 1) : named;
  const colon = rest.lastIndexOf(':');
  const tag = colon > rest.lastIndexOf('/') ? rest.slice(colon + 1) : undefined;
  const repository = tag === undefined ? rest : rest.slice(0, colon);
  if (registry !== undefined && !REGISTRY.test(registry)) return undefined;
  if (!REPOSITORY.test(repository) || named.length > 255) return undefined;
  if (tag !== undefined && !TAG.test(tag)) return undefined;
  return { registry, repository, tag, digest };
}

/** Whether `image` is a well-formed reference pinned by a tag other than `latest`, or by a sha256 digest. */
export function isPinnedImage(image: string): boolean {
  const ref = parseImageReference(image);
  return ref !== undefined && (ref.digest !== undefined || (ref.tag !== undefined && ref.tag !== 'latest'));
}
