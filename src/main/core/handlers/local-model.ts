import type { Handlers } from '../../../shared/api'
import type { LocalModelManager } from '../providers/local/model-manager'

type LocalModelHandlers = Pick<
  Handlers,
  'localModel.status' | 'localModel.download' | 'localModel.cancel' | 'localModel.delete'
>

export function localModelHandlers(manager: LocalModelManager): LocalModelHandlers {
  return {
    'localModel.status': () => manager.status(),
    'localModel.download': () => {
      // Answers at once; the download reports through localModel.changed until it ends.
      void manager.download()
      return manager.status()
    },
    'localModel.cancel': () => {
      manager.cancel()
      return manager.status()
    },
    'localModel.delete': () => manager.delete(),
  }
}
