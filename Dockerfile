FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -e .
RUN useradd --create-home creditreg && mkdir -p /app/media /app/staticfiles && chown -R creditreg /app
USER creditreg
EXPOSE 8000
