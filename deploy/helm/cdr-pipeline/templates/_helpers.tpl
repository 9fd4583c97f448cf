{{/* Names and labels. */}}
{{- define "cdr.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 52 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 52 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "cdr.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "cdr.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "cdr.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{/* Where the containers find what the chart mounts; the settings that name them are set by the chart. */}}
{{- define "cdr.configDir" -}}/etc/cdr-pipeline{{- end -}}
{{- define "cdr.secretDir" -}}/run/cdr-pipeline/secrets{{- end -}}
{{- define "cdr.stateRoot" -}}/var/lib/cdr-pipeline{{- end -}}

{{/* The ConfigMap's content, shared by the pipeline's ConfigMap and the topic job's (a hook runs before release resources exist). */}}
{{- define "cdr.configData" -}}
pipeline.properties: |
{{ .Values.configuration | indent 2 }}
retention-policy.yaml: |
{{ .Values.retentionPolicy | indent 2 }}
{{- end -}}

{{/* Rolls the pods when the configuration or the retention policy changes. */}}
{{- define "cdr.configChecksum" -}}
{{ include "cdr.configData" . | sha256sum }}
{{- end -}}

{{/* Kafka client settings from a Secret, one environment variable per key: CDR_KAFKA_ + the key, upper case, _ for . */}}
{{- define "cdr.kafkaCredentials" -}}
{{- $secret := .secret -}}
{{- range .keys }}
- name: {{ printf "CDR_KAFKA_%s" (. | upper | replace "." "_" | replace "-" "_") }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ . }}
{{- end }}
{{- end -}}

{{/* Pod and container security: the image's user, nothing writable but the volumes. */}}
{{- define "cdr.podSecurity" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "cdr.containerSecurity" -}}
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
capabilities:
  drop: ["ALL"]
{{- end -}}

{{/*
Copies secret files into a memory volume owned by the container's user, mode 0400. A Secret volume
cannot be owner-only for a non-root user: with fsGroup its files are group-readable, without it they
belong to root; `run` and `ingest` refuse a key or credentials file that group or others can read.
*/}}
{{- define "cdr.secretCopy" -}}
- name: private-secrets
  image: {{ include "cdr.image" .root }}
  imagePullPolicy: {{ .root.Values.image.pullPolicy }}
  command: ["sh", "-c", "umask 077 && for f in /secrets-in/*; do cp \"$f\" {{ include "cdr.secretDir" .root }}/ && chmod 0400 {{ include "cdr.secretDir" .root }}/$(basename \"$f\"); done"]
  securityContext:
{{ include "cdr.containerSecurity" .root | indent 4 }}
  resources:
    requests: {cpu: 10m, memory: 16Mi}
    limits: {memory: 64Mi}
  volumeMounts:
    - name: secrets-in
      mountPath: /secrets-in
      readOnly: true
    - name: secrets
      mountPath: {{ include "cdr.secretDir" .root }}
{{- end -}}

{{/* A container of the topic job: the CLI with the hook's configuration. */}}
{{- define "cdr.jobContainer" -}}
- name: {{ .name }}
  image: {{ include "cdr.image" .root }}
  imagePullPolicy: {{ .root.Values.image.pullPolicy }}
  args:
{{ toYaml .args | indent 4 }}
  env:
    - name: CDR_RETENTION_POLICY_FILE
      value: {{ include "cdr.configDir" .root }}/retention-policy.yaml
    - name: JAVA_TOOL_OPTIONS
      value: "-Xmx256m -Djava.io.tmpdir=/tmp"
    {{- if .secret }}
{{ include "cdr.kafkaCredentials" (dict "secret" .secret "keys" .root.Values.kafkaCredentials.keys) | indent 4 }}
    {{- end }}
  resources:
    requests: {cpu: 100m, memory: 256Mi}
    limits: {memory: 512Mi}
  securityContext:
{{ include "cdr.containerSecurity" .root | indent 4 }}
  volumeMounts:
    - name: config
      mountPath: {{ include "cdr.configDir" .root }}
      readOnly: true
    - name: tmp
      mountPath: /tmp
{{- end -}}
