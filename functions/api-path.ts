/** True for the paths the API owns; everything else belongs to the static site. */
export function isApiPath(path: string) {
  return path === '/api' || path.startsWith('/api/')
}
