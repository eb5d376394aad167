FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY . .
RUN pip install --no-cache-dir .
RUN useradd --create-home creditreg && mkdir -p /app/media /app/staticfiles && chown -R creditreg /app
USER creditreg
EXPOSE 8000
