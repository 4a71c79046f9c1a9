# rolecall: one image for the API, the workers and the scheduler (the command picks the role).
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` builds, and the sources are not copied yet.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund
# The embedded store's empty-database template, made now so no container runs initdb (~800 MiB) for it.
RUN node dist/src/store/prepare-pglite-template.js

FROM node:20-slim
ENV NODE_ENV=production
# One glibc malloc arena, as `rolecall sync` relaunches itself with outside the image: a process syncing into the
# embedded store peaks ~60 MiB lower (docs/deployment.md, "Memory of the embedded store").
ENV MALLOC_ARENA_MAX=1
WORKDIR /app
COPY --from=build --chown=node:node /app /app
USER node
# SIGTERM reaches node directly (exec form), so workers drain and hand jobs back before exiting.
ENTRYPOINT ["node", "bin/rolecall.js"]
CMD ["serve"]
