// Jest resolves `require` with the 'require' export condition. kubernetes-models v5 and its
// dependencies are ES modules that export only an 'import' condition: when the ordinary
// resolution fails, resolve again with 'import' (jest's transform turns them into CommonJS,
// see transformIgnorePatterns in package.json).
module.exports = (request, options) => {
  try {
    return options.defaultResolver(request, options);
  } catch (error) {
    try {
      return options.defaultResolver(request, { ...options, conditions: ['import', 'node', 'default'] });
    } catch {
      throw error;
    }
  }
};
