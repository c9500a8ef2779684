// The last check before a paid request is built: nothing that fails validation is ever sent. The
// wire bodies themselves (each provider's wire.ts) only map.
import {
  InvalidParamsError,
  type Problem,
  type Provider,
  type ResolvedMusicgenParams,
  SEED_MIN,
  validate,
} from '../../../shared/musicgen'

/** Throws InvalidParamsError unless the params can be sent; `withAudio`: input audio goes too. */
export function assertSendable(
  params: ResolvedMusicgenParams,
  provider: Provider,
  withAudio: boolean,
): void {
  const problems: Problem[] = validate(params, provider)
  const seed: unknown = params.seed
  if (problems.length === 0 && (typeof seed !== 'number' || seed < SEED_MIN)) {
    problems.push({
      field: 'seed',
      code: 'out_of_range',
      message: 'seed must be resolved before sending',
    })
  }
  if (params.input_audio !== null && !withAudio) {
    problems.push({
      field: 'input_audio',
      code: 'wrong_type',
      message: 'input_audio must be uploaded before sending',
    })
  }
  if (params.input_audio === null && withAudio) {
    problems.push({
      field: 'input_audio',
      code: 'wrong_type',
      message: 'an uploaded file was given but input_audio is empty',
    })
  }
  if (problems.length > 0) throw new InvalidParamsError(problems)
}
