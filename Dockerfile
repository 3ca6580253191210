# syntax=docker/dockerfile:1
# Social.Api (web host and Orleans silo in one process), built in the SDK image and run in the ASP.NET image.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/ src/
RUN dotnet publish src/Social.Api/Social.Api.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# curl for the container health check (/health/ready).
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app .
ENV ASPNETCORE_URLS=http://+:8080
# HTTP, Prometheus metrics (Social__Metrics__Port), Orleans silo-to-silo, Orleans gateway.
EXPOSE 8080 9464 11111 30000
USER app
ENTRYPOINT ["dotnet", "Social.Api.dll"]
