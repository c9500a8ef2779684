export type Route =
  { kind: 'projects' } | { kind: 'project'; projectId: string } | { kind: 'settings' }

export function parseRoute(hash: string): Route {
  const project = /^#\/projects\/([0-9a-f-]{36})$/.exec(hash)
  if (project?.[1]) return { kind: 'project', projectId: project[1] }
  if (hash === '#/settings') return { kind: 'settings' }
  return { kind: 'projects' }
}

export function routeHash(route: Route): string {
  switch (route.kind) {
    case 'projects':
      return '#/'
    case 'project':
      return `#/projects/${route.projectId}`
    case 'settings':
      return '#/settings'
  }
}

/** The current view, kept in the URL hash so a reload lands on the same screen. */
export class Router {
  current = $state<Route>(parseRoute(window.location.hash))

  constructor() {
    window.addEventListener('hashchange', () => (this.current = parseRoute(window.location.hash)))
  }

  go(route: Route): void {
    window.location.hash = routeHash(route)
  }
}
