import type { Project, ProjectSampleRate } from '../../../shared/domain'
import { notFound } from '../app-error'
import type { Db } from './db'

interface ProjectRow {
  id: string
  name: string
  sample_rate: number
  tempo_bpm: number | null
  time_signature_numerator: number | null
  time_signature_denominator: number | null
  master_gain_db: number
  created_at: number
  updated_at: number
}

function toProject(row: ProjectRow): Project {
  const { time_signature_numerator: num, time_signature_denominator: den } = row
  return {
    id: row.id,
    name: row.name,
    sampleRate: row.sample_rate as ProjectSampleRate,
    tempoBpm: row.tempo_bpm,
    timeSignature: num !== null && den !== null ? [num, den] : null,
    masterGainDb: row.master_gain_db,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

export class ProjectsTable {
  constructor(private readonly db: Db) {}

  list(): Project[] {
    const rows = this.db
      .statement('SELECT * FROM projects ORDER BY updated_at DESC, name')
      .all() as ProjectRow[]
    return rows.map(toProject)
  }

  find(id: string): Project | undefined {
    const row = this.db.statement('SELECT * FROM projects WHERE id = ?').get(id) as
      ProjectRow | undefined
    return row && toProject(row)
  }

  get(id: string): Project {
    const project = this.find(id)
    if (!project) throw notFound('Project', id)
    return project
  }

  insert(project: Project): void {
    this.db
      .statement(
        `INSERT INTO projects (id, name, sample_rate, tempo_bpm, time_signature_numerator,
           time_signature_denominator, master_gain_db, created_at, updated_at)
         VALUES (@id, @name, @sampleRate, @tempoBpm, @num, @den, @masterGainDb, @createdAt,
           @updatedAt)`,
      )
      .run({
        id: project.id,
        name: project.name,
        sampleRate: project.sampleRate,
        tempoBpm: project.tempoBpm,
        num: project.timeSignature?.[0] ?? null,
        den: project.timeSignature?.[1] ?? null,
        masterGainDb: project.masterGainDb,
        createdAt: project.createdAt,
        updatedAt: project.updatedAt,
      })
  }

  rename(id: string, name: string, now: number): Project {
    const { changes } = this.db
      .statement('UPDATE projects SET name = ?, updated_at = ? WHERE id = ?')
      .run(name, now, id)
    if (changes === 0) throw notFound('Project', id)
    return this.get(id)
  }

  setTempo(
    id: string,
    tempoBpm: number | null,
    meter: [number, number] | null,
    now: number,
  ): Project {
    const { changes } = this.db
      .statement(
        `UPDATE projects SET tempo_bpm = ?, time_signature_numerator = ?,
           time_signature_denominator = ?, updated_at = ? WHERE id = ?`,
      )
      .run(tempoBpm, meter?.[0] ?? null, meter?.[1] ?? null, now, id)
    if (changes === 0) throw notFound('Project', id)
    return this.get(id)
  }

  setMasterGain(id: string, masterGainDb: number, now: number): Project {
    const { changes } = this.db
      .statement('UPDATE projects SET master_gain_db = ?, updated_at = ? WHERE id = ?')
      .run(masterGainDb, now, id)
    if (changes === 0) throw notFound('Project', id)
    return this.get(id)
  }

  touch(id: string, now: number): void {
    this.db.statement('UPDATE projects SET updated_at = ? WHERE id = ?').run(now, id)
  }

  delete(id: string): void {
    const { changes } = this.db.statement('DELETE FROM projects WHERE id = ?').run(id)
    if (changes === 0) throw notFound('Project', id)
  }
}
