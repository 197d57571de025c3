// Where the host's logs, traces and counters go, the platform's diagnostics beside them, and the
// alerts that page the operators. The host sends through the Azure Monitor OpenTelemetry distro
// (bot/telemetry.py) to a workspace-based Application Insights: its logs land in AppTraces, its
// counters (homeoffice.round.*, homeoffice.delivery.*, homeoffice.directory.*) in AppMetrics.
// Nothing sent names a person (docs/privacy.md). The Web App's own diagnostics and alerts are in
// monitoring-site.bicep, which needs the site that needs this module's connection string.

@description('Name of the Log Analytics workspace.')
param workspaceName string

@description('Name of the Application Insights component.')
param appInsightsName string

@description('Name of the action group that e-mails the operators.')
param actionGroupName string

@description('Azure region of the workspace, the component and the log alerts.')
param location string

@description('Tags put on every resource.')
param tags object = {}

@description('Days the workspace keeps logs (30 is included in the price).')
@minValue(30)
@maxValue(730)
param retentionDays int = 30

@description('E-mail address (a shared operations mailbox) that every alert is sent to.')
param alertEmail string

@description('Name of the Cosmos DB account whose diagnostics and throttling are watched.')
param cosmosAccountName string

@description('Name of the Key Vault whose audit events go to the workspace.')
param keyVaultName string

@description('IANA time zone of the rounds (TIMEZONE): the "no round by" alert reads the clock there.')
param timezone string = 'Europe/Oslo'

@description('Day of the week rounds open on (CHECKIN_CRON), 0 = Sunday … 6 = Saturday.')
@minValue(0)
@maxValue(6)
param roundDayOfWeek int = 1

@description('Local time, minutes after midnight, by which the round of a round day must be open (09:30 = 570).')
@minValue(0)
@maxValue(1380)
param roundDeadlineMinutes int = 570

@description('Cards that may end dead or failed in an hour before the operators are told (a delivery the breaker stops is told at once).')
@minValue(1)
param lostCardsThreshold int = 50

@description('Cosmos DB requests answered 429 within 15 minutes that count as sustained throttling.')
@minValue(1)
param throttledRequestsThreshold int = 100

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: workspaceName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
    // The host sends with the connection string; no one reads the instrumentation key.
    DisableIpMasking: false
  }
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: actionGroupName
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'hjemmekont'
    enabled: true
    emailReceivers: [
      {
        name: 'operators'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

resource cosmosAccount 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' existing = {
  name: cosmosAccountName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

// Resource-specific tables (CDBDataPlaneRequests …): request metadata, status codes, charges.
// Query texts are not logged (diagnosticsFullTextQuery is off), so partition keys stay out.
resource cosmosDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-workspace'
  scope: cosmosAccount
  properties: {
    workspaceId: workspace.id
    logAnalyticsDestinationType: 'Dedicated'
    logs: [
      {
        category: 'DataPlaneRequests'
        enabled: true
      }
      {
        category: 'PartitionKeyRUConsumption'
        enabled: false
      }
      {
        category: 'ControlPlaneRequests'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'Requests'
        enabled: true
      }
    ]
  }
}

// Who read the pseudonym key, and when: the vault's audit trail.
resource vaultDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-workspace'
  scope: vault
  properties: {
    workspaceId: workspace.id
    logs: [
      {
        categoryGroup: 'audit'
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

// --- alerts on what the host reports ----------------------------------------------------------

var roundQuery = '''
let local = datetime_utc_to_local(now(), '{timezone}');
let day = startofday(local);
let due = day + {deadline}m;
let opened = toscalar(AppMetrics
  | where Name == 'homeoffice.round.opened'
  | where datetime_utc_to_local(TimeGenerated, '{timezone}') >= day
  | summarize sum(Sum));
print missing = 1
| where dayofweek(local) == {day}d and local >= due and local < due + 2h and coalesce(opened, 0.0) == 0
'''

resource noRound 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'no-round-opened'
  location: location
  tags: tags
  properties: {
    displayName: 'No check-in round opened on a round day'
    description: 'No round was opened by the deadline on the round day: no host ran at CHECKIN_CRON and none caught up. Run `round open` inside the app (az webapp ssh; README, Check-in rounds).'
    severity: 1
    enabled: true
    scopes: [
      appInsights.id
    ]
    evaluationFrequency: 'PT15M'
    windowSize: 'P1D'
    criteria: {
      allOf: [
        {
          query: replace(replace(replace(roundQuery, '{timezone}', timezone), '{deadline}', string(roundDeadlineMinutes)), '{day}', string(roundDayOfWeek))
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    muteActionsDuration: 'PT2H'
    autoMitigate: false
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}

var deliveryQuery = '''
AppMetrics
| where Name in ('homeoffice.delivery.breaker_trips', 'homeoffice.round.dead', 'homeoffice.round.failed')
| summarize trips = sumif(Sum, Name == 'homeoffice.delivery.breaker_trips'), lost = sumif(Sum, Name != 'homeoffice.delivery.breaker_trips')
| where trips > 0 or lost >= {lost}
'''

resource deliveryTrouble 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'delivery-stopped-or-lost'
  location: location
  tags: tags
  properties: {
    displayName: 'A delivery stopped early or lost many cards'
    description: 'The breaker stopped a delivery (its first sends all failed the same way: 401/403, a wrong identity or Teams policy), or many cards ended dead or failed within an hour. See the host log for the reason; `round resend-failed` once it is fixed.'
    severity: 1
    enabled: true
    scopes: [
      appInsights.id
    ]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT1H'
    criteria: {
      allOf: [
        {
          query: replace(deliveryQuery, '{lost}', string(lostCardsThreshold))
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    muteActionsDuration: 'PT1H'
    autoMitigate: false
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}

resource syncFailed 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'directory-sync-failed'
  location: location
  tags: tags
  properties: {
    displayName: 'The organisation directory sync failed'
    description: 'The nightly Graph sync failed; yesterday\'s directory stays in use. See the host log ("organisation sync failed").'
    severity: 2
    enabled: true
    scopes: [
      appInsights.id
    ]
    evaluationFrequency: 'PT1H'
    windowSize: 'PT1H'
    criteria: {
      allOf: [
        {
          query: 'AppMetrics | where Name == \'homeoffice.directory.sync_failures\' | summarize failures = sum(Sum) | where failures > 0'
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: false
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}

// --- alerts on the platform's metrics ----------------------------------------------------------

resource cosmosThrottled 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'cosmos-throttled'
  location: 'global'
  tags: tags
  properties: {
    description: 'Cosmos DB answered many requests with 429 for 15 minutes: the host retries, but turns answer "busy" and rounds slow down. Raise the throughput (or leave serverless).'
    severity: 2
    enabled: true
    scopes: [
      cosmosAccount.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'throttled'
          metricNamespace: 'Microsoft.DocumentDB/databaseAccounts'
          metricName: 'TotalRequests'
          dimensions: [
            {
              name: 'StatusCode'
              operator: 'Include'
              values: [
                '429'
              ]
            }
          ]
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: throttledRequestsThreshold
        }
      ]
    }
    actions: [
      {
        actionGroupId: actionGroup.id
      }
    ]
  }
}

@description('Connection string of Application Insights (APPLICATIONINSIGHTS_CONNECTION_STRING).')
output connectionString string = appInsights.properties.ConnectionString

@description('Resource id of the Log Analytics workspace.')
output workspaceId string = workspace.id

@description('Resource id of the action group the alerts use.')
output actionGroupId string = actionGroup.id
