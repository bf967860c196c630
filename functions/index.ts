import { createApp } from './app.ts'
import { health } from './routes/health.ts'
import { runRoutes } from './routes/run.ts'
import { scenarioRoutes } from './routes/scenarios.ts'
import { openSharedScenario } from './routes/share.ts'
import { serveSite } from './routes/site.ts'

const app = createApp()

app.route('/api', health)
app.route('/api', runRoutes())
app.route('/api', scenarioRoutes())
app.get('/s/:id', openSharedScenario)
// The site answers the rest.
app.all('*', serveSite)

export default app
