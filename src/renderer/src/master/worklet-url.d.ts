// Vite bundles a module imported with `?worker&url` on its own and answers its URL.
declare module '*?worker&url' {
  const url: string
  export default url
}
