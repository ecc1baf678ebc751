// Public names of src/apis/ (re-exported by src/index.ts).
export {};
