import { mount } from 'svelte'
import App from './App.svelte'
import { createApiClient } from './lib/api'
import './app.css'

const target = document.getElementById('app')
if (!target) throw new Error('missing #app element')
mount(App, { target, props: { api: createApiClient() } })
