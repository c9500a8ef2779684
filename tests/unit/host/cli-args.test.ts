import { describe, expect, it } from 'vitest'
import { parseServeArgs } from '../../../src/main/host/cli-args'
import { browserCommand } from '../../../src/main/host/open-browser'

describe('browser-mode arguments', () => {
  it('defaults to the given data directory, a free port and no browser', () => {
    expect(parseServeArgs([], '/home/a/.config/MusicSketch')).toEqual({
      dataDir: '/home/a/.config/MusicSketch',
      port: 0,
      open: false,
      files: null,
    })
  })

  it('takes --data-dir, --port and --open', () => {
    expect(parseServeArgs(['--open', '--data-dir', 'd', '--port', '5173'], 'x')).toEqual({
      dataDir: 'd',
      port: 5173,
      open: true,
      files: null,
    })
  })

  it('takes --files, the folder browser mode may read and write', () => {
    expect(parseServeArgs(['--files', '/srv/music'], 'x')).toMatchObject({ files: '/srv/music' })
    expect(() => parseServeArgs(['--files'], 'x')).toThrow(/--files needs a folder/)
  })

  it('names the problem with bad input', () => {
    expect(() => parseServeArgs(['--port', 'abc'], 'x')).toThrow(/--port needs a number/)
    expect(() => parseServeArgs(['--data-dir'], 'x')).toThrow(/--data-dir needs a directory/)
    expect(() => parseServeArgs(['--opne'], 'x')).toThrow(/unknown argument --opne/)
  })
})

describe('opening the system browser', () => {
  const url = 'http://127.0.0.1:5173/?token=a&b'
  it('uses xdg-open on Linux, open on macOS and start on Windows', () => {
    expect(browserCommand(url, 'linux')).toEqual(['xdg-open', [url]])
    expect(browserCommand(url, 'darwin')).toEqual(['open', [url]])
    // cmd would split the command at an unescaped &
    expect(browserCommand(url, 'win32')).toEqual([
      'cmd',
      ['/s', '/c', 'start', '""', '/b', 'http://127.0.0.1:5173/?token=a^&b'],
    ])
  })
})
