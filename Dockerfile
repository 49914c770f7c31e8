FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml requirements.lock README.md ./
COPY annotator ./annotator
COPY articles ./articles
RUN pip install -c requirements.lock .

COPY manage.py ./
COPY templates ./templates
COPY static ./static
RUN SECRET_KEY=build-only python manage.py collectstatic --no-input --verbosity 0

RUN useradd --system --home /app provenance && mkdir -p /app/var && chown provenance /app/var
USER provenance
EXPOSE 8000
CMD ["gunicorn", "annotator.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
