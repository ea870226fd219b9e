# ChannelHub's production image: gunicorn (web), Celery worker and Celery beat all run it.
# Build: docker compose build   (see docker-compose.yml and README.md)
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CHANNELHUB_ENV=production \
    CHANNELHUB_VAR_DIR=/var/lib/channelhub

# WeasyPrint needs Pango and a CJK font (Noto Sans CJK SC) for Chinese PDFs; gettext compiles
# the translations; Node/npm fetch the front-end libraries from the npm registry (never a CDN).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext nodejs npm \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --system --create-home --uid 1000 --home-dir /home/channelhub channelhub
WORKDIR /app

# Python dependencies first (pyproject.toml declares dependencies only, no packages): a code
# change does not reinstall them.
COPY pyproject.toml ./
RUN pip install .

COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error

COPY . .
# Production settings refuse to load without a secret, hosts, SITE_URL, DATABASE_URL and
# REDIS_URL. The build uses dummies (nothing here connects to them); they are not part of
# the image's environment.
RUN export DJANGO_SECRET_KEY=build-time-dummy-secret-not-used-at-run-time \
      DJANGO_ALLOWED_HOSTS=localhost SITE_URL=https://build.invalid \
      DATABASE_URL=postgres://build@localhost:5432/build REDIS_URL=redis://localhost:6379/0 \
 && python manage.py compilemessages -v0 --ignore=node_modules \
 && python manage.py collectstatic --no-input -v0 \
 && mkdir -p /var/lib/channelhub \
 && chown -R channelhub:channelhub /var/lib/channelhub /app/staticfiles

USER channelhub
EXPOSE 8000
CMD ["gunicorn", "channelhub.wsgi", "--config", "gunicorn.conf.py", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
