# The pipeline image: the production jar on a JRE (Linux x86-64 or aarch64). Build context: the repository root.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY schemas schemas
COPY streams streams
COPY dev/pom.xml dev/pom.xml
COPY connect/pom.xml connect/pom.xml
COPY billing-sink/pom.xml billing-sink/pom.xml
# The production module only: the development broker, demo and bench (dev/), the Connect converter
# (connect/) and the billing sink (billing-sink/) stay out of the image; their poms are there because the parent lists them.
RUN mvn -B -q package -DskipTests -pl streams -am

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 cdr && mkdir -p /var/lib/cdr-pipeline && chown cdr /var/lib/cdr-pipeline
COPY --from=build /src/streams/target/cdr-pipeline.jar /opt/cdr-pipeline/cdr-pipeline.jar
USER cdr
ENV JAVA_TOOL_OPTIONS="-Xmx512m"
ENTRYPOINT ["java", "-jar", "/opt/cdr-pipeline/cdr-pipeline.jar"]
CMD ["--help"]
