# The vitrine image for docker-compose.yml (api and worker). Model weights are not baked in.
# Node 22: usearch and @qdrant/js-client-rest declare node >= 22 (package.json engines)
FROM node:22-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json .npmrc ./
COPY prisma ./prisma
COPY prisma.config.ts ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
# compile the TypeScript once (build/), so a start does not compile it again (bin/vitrine.js picks it)
RUN npm run build
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 4000
CMD ["node", "bin/vitrine.js", "serve"]
