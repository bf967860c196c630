import { createApp } from './app.ts'
import { health } from './routes/health.ts'
import { serveSite } from './routes/site.ts'

const app = createApp()

app.route('/api', health)
// New API routes (POST /api/run, /api/scenarios) go above this line: the site answers the rest.
app.all('*', serveSite)

export default app
