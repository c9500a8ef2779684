// Child process for the crash tests: commits projects through the real store forever, printing each
// id only after its transaction committed ('group' as second argument: group durability, without
// waiting for the disk). The parent kills it with SIGKILL mid-loop.
import { randomUUID } from 'node:crypto'
import { openDb } from '../../../src/main/core/store/db'
import { ProjectsTable } from '../../../src/main/core/store/projects'
import { TracksTable } from '../../../src/main/core/store/tracks'

const path = process.argv[2]
if (!path) throw new Error('usage: write-loop <db path> [sync|group]')
const durability = process.argv[3] === 'group' ? 'group' : 'sync'
const db = openDb(path)
const projects = new ProjectsTable(db)
const tracks = new TracksTable(db)
for (let i = 0; ; i++) {
  const id = randomUUID()
  db.transaction(() => {
    projects.insert({
      id,
      name: `Project ${i}`,
      sampleRate: 48000,
      tempoBpm: null,
      timeSignature: null,
      masterGainDb: 0,
      createdAt: i,
      updatedAt: i,
    })
    for (let t = 0; t < 4; t++) {
      tracks.insert({
        id: randomUUID(),
        projectId: id,
        name: `T${t}`,
        position: t,
        gainDb: 0,
        mute: false,
        solo: false,
      })
    }
  }, durability)
  process.stdout.write(`${id}\n`)
}
