# Production image: gunicorn serving Django, static files collected and served by WhiteNoise.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_DEBUG=0
# WeasyPrint needs Pango; gettext compiles the translations.
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 rehab
WORKDIR /app
# The pinned versions, every file checked against its hash (`make lock` writes requirements.txt).
COPY requirements.txt ./
RUN pip install --no-cache-dir --require-hashes -r requirements.txt
COPY . .
COPY --from=assets /app/node_modules ./node_modules
RUN python manage.py compilemessages --ignore=node_modules -v0 \
    && DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput -v0
# Mount points for the media and private-document volumes, owned by the app user (a new named volume
# takes the ownership of the folder it is mounted on).
RUN mkdir -p /data/media /data/private && chown rehab:rehab /data/media /data/private
USER rehab
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
