// The Web App's share of monitoring.bicep: application logging on, its diagnostics to the
// workspace, and the alerts on its HTTP answers and health check. A module of its own because
// the site needs the connection string monitoring.bicep makes, and this needs the site.

@description('Name of the Web App.')
param siteName string

@description('Resource id of the Log Analytics workspace (monitoring.bicep).')
param workspaceId string

@description('Resource id of the action group the alerts use (monitoring.bicep).')
param actionGroupId string

@description('Tags put on every resource.')
param tags object = {}

@description('HTTP 5xx answers within 15 minutes that page the operators.')
@minValue(1)
param http5xxThreshold int = 5

resource site 'Microsoft.Web/sites@2024-04-01' existing = {
  name: siteName
}

// App Service keeps the host's standard output (its log lines) and the HTTP log; the
// diagnostic setting below sends both on to the workspace. The lines name no person
// (tests/integration/test_log_privacy.py).
resource logs 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'logs'
  properties: {
    applicationLogs: {
      fileSystem: {
        level: 'Information'
      }
    }
    httpLogs: {
      fileSystem: {
        enabled: true
        retentionInMb: 35
        retentionInDays: 3
      }
    }
    detailedErrorMessages: {
      enabled: false
    }
    failedRequestsTracing: {
      enabled: false
    }
  }
}

resource siteDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-workspace'
  scope: site
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        category: 'AppServiceHTTPLogs'
        enabled: true
      }
      {
        category: 'AppServiceConsoleLogs'
        enabled: true
      }
      {
        category: 'AppServiceAppLogs'
        enabled: true
      }
      {
        category: 'AppServicePlatformLogs'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}

resource http5xx 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'http-5xx'
  location: 'global'
  tags: tags
  properties: {
    description: 'The host answered with 5xx: Teams shows the user an error, or the Bot Connector retries. See the host log for the exception.'
    severity: 1
    enabled: true
    scopes: [
      site.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'http5xx'
          metricNamespace: 'Microsoft.Web/sites'
          metricName: 'Http5xx'
          timeAggregation: 'Total'
          operator: 'GreaterThanOrEqual'
          threshold: http5xxThreshold
        }
      ]
    }
    actions: [
      {
        actionGroupId: actionGroupId
      }
    ]
  }
}

// HealthCheckStatus is the share of instances whose /healthz answers: below 100 one is down.
resource health 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'health-check-failing'
  location: 'global'
  tags: tags
  properties: {
    description: 'An instance of the host fails its health check (/healthz) for 10 minutes: it does not answer Teams, and its scheduler runs no rounds.'
    severity: 1
    enabled: true
    scopes: [
      site.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT10M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'health'
          metricNamespace: 'Microsoft.Web/sites'
          metricName: 'HealthCheckStatus'
          timeAggregation: 'Average'
          operator: 'LessThan'
          threshold: 100
        }
      ]
    }
    actions: [
      {
        actionGroupId: actionGroupId
      }
    ]
  }
}
