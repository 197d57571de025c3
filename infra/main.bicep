// The resources of one environment of the home-office bot (dev, test or prod), in its own
// resource group. `azd up` deploys it (azure.yaml; infra/main.parameters.json fills the
// parameters from the azd environment of the same name); docs/operations.md is the runbook.
//
// One user-assigned managed identity is the bot's whole identity: the Azure Bot registration
// authenticates as it (MicrosoftAppType=UserAssignedMSI, so there is no client secret to rotate
// or leak), the Web App runs as it, and it is the only principal with data access to Cosmos DB
// (whose keys are switched off) and to the Key Vault secret. Its client id is the bot app id the
// Teams app package needs, so each environment has its own bot and Teams app id.
//
// With a managed identity the host cannot create the Cosmos database or containers (data-plane
// roles cannot), so they are declared here: modules/cosmos.bicep holds the list, which
// tests/unit/test_infra.py keeps equal to storage/port.py CONTAINERS.
//
// The pseudonym key is not made here: infra/hooks/pseudonym-key.sh writes it once into the vault
// (infra/key.bicep) and this template pins the app to that secret version.

targetScope = 'resourceGroup'

@description('Short prefix of every resource name: lowercase letters and digits, 2-12 characters (the Key Vault name leaves no room for more).')
@minLength(2)
@maxLength(12)
param namePrefix string = 'hjemmekontor'

@description('Azure region of the resources (the Azure Bot registration itself is always global).')
param location string = resourceGroup().location

@description('Tags put on every resource (azd-env-name is added: azd finds the environment\'s resources by it).')
param tags object = {}

@description('The environment, also the azd environment\'s name (AZURE_ENV_NAME): it picks the shape below. Each lives in its own resource group, with its own identity and so its own bot and Teams app id.')
@allowed([
  'dev'
  'test'
  'prod'
])
param environmentName string

// What differs between the environments. Production: Premium v3 with two instances (the leases
// of services/leasing.py let every instance run the scheduler; App Service moves traffic off
// one that fails /healthz) and a staging slot to deploy into and swap. Dev and test: one B1
// instance, the cheapest plan with "always on", which the scheduler needs.
var environments = {
  dev: {
    planSku: 'B1'
    instances: 1
    stagingSlot: false
  }
  test: {
    planSku: 'B1'
    instances: 1
    stagingSlot: false
  }
  prod: {
    planSku: 'P1v3'
    instances: 2
    stagingSlot: true
  }
}
var shape = environments[environmentName]

@description('Azure Bot SKU. F0 is free and has no message limit on standard channels such as Microsoft Teams; S1 adds the SLA and premium channels.')
@allowed([
  'F0'
  'S1'
])
param botSku string = 'F0'

@description('Display name of the Azure Bot registration (the Teams app name comes from the app package, not from here).')
@maxLength(42)
param botDisplayName string = environmentName == 'prod' ? 'Hjemmekontor' : 'Hjemmekontor (${environmentName})'

@description('Cosmos DB capacity mode: true = serverless (pay per request, the cheap start for a bot of this size); false = provisioned autoscale throughput shared by the database. It cannot be flipped in place on an existing account.')
param cosmosServerless bool = true

@description('Upper limit of the shared autoscale throughput (RU/s) when cosmosServerless is false; 1000 is the smallest autoscale maximum. Ignored for serverless.')
@minValue(1000)
param cosmosAutoscaleMaxThroughput int = 1000

@description('Name of the Cosmos DB database (COSMOS_DATABASE).')
param cosmosDatabaseName string = 'homeoffice'

@description('Comma-separated Entra tenant ids whose users the bot serves (ALLOWED_TENANTS). Defaults to the tenant of this deployment.')
param allowedTenants string = tenant().tenantId

@description('The version of the Key Vault secret pseudonym-key that the app reads as PSEUDONYM_KEY (32 hex digits), written once by infra/hooks/pseudonym-key.sh and kept in the azd environment as PSEUDONYM_KEY_VERSION. Pinned, so that neither a redeployment nor a new version written for a rotation changes the key under a running app: only setting this does, after `python app.py key rotate` (docs/operations.md#4-the-pseudonym-key).')
@minLength(32)
@maxLength(32)
param pseudonymKeyVersion string

@description('Object ids of the operators (people or an Entra group), separated by commas, who get the Cosmos DB Built-in Data Contributor role, to run the commands that send nothing (round status, roles, org import, key check) from a workstation signed in with az login. A string, so that azd can fill it from the environment (COSMOS_OPERATOR_PRINCIPAL_IDS). Commands that send cards (round open) run inside the app: az webapp ssh.')
param cosmosOperatorPrincipalIds string = ''

@description('Private networking: Cosmos DB and Key Vault reachable only through private endpoints in a virtual network the app joins (modules/network.bicep). Operators\' workstation commands (cosmosOperatorPrincipalIds) and reading the Key Vault secret then need a way into that network (a VPN or a jump host); see docs/operations.md.')
param privateNetwork bool = false

@description('Purge protection on the Key Vault. Keep true in production: the pseudonym key cannot be recreated, so a deleted vault must stay recoverable. Set false only for throw-away test deployments (once on, it cannot be switched off).')
param keyVaultPurgeProtection bool = true

@description('E-mail address (a shared operations mailbox) that every alert goes to: no round opened on a round day, a delivery stopped or losing cards, the directory sync failed, HTTP 5xx, the health check failing, Cosmos DB throttling.')
param alertEmail string

var allTags = union(tags, { 'azd-env-name': environmentName })
var operatorPrincipalIds = filter(map(split(cosmosOperatorPrincipalIds, ','), id => trim(id)), id => !empty(id))
// uniqueString is stable for the same resource group and prefix, so a re-deployment updates the
// same resources, while the globally unique names (web app, Cosmos account, Key Vault, bot handle)
// do not collide with other deployments.
var token = uniqueString(resourceGroup().id, namePrefix)
var names = {
  identity: 'id-${namePrefix}-${token}'
  plan: 'plan-${namePrefix}-${token}'
  webApp: 'app-${namePrefix}-${token}'
  bot: 'bot-${namePrefix}-${token}'
  cosmos: 'cosmos-${namePrefix}-${token}'
  keyVault: 'kv-${namePrefix}-${take(token, 8)}'
  vnet: 'vnet-${namePrefix}-${token}'
}
var pseudonymSecretName = 'pseudonym-key'
var monitoringNames = {
  workspace: 'log-${namePrefix}-${token}'
  appInsights: 'appi-${namePrefix}-${token}'
  actionGroup: 'ag-${namePrefix}-${token}'
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: names.identity
  location: location
  tags: allTags
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  params: {
    accountName: names.cosmos
    location: location
    tags: allTags
    databaseName: cosmosDatabaseName
    serverless: cosmosServerless
    autoscaleMaxThroughput: cosmosAutoscaleMaxThroughput
    dataContributorPrincipalId: identity.properties.principalId
    operatorPrincipalIds: operatorPrincipalIds
    privateOnly: privateNetwork
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    vaultName: names.keyVault
    location: location
    tags: allTags
    purgeProtection: keyVaultPurgeProtection
    secretName: pseudonymSecretName
    secretsUserPrincipalId: identity.properties.principalId
    privateOnly: privateNetwork
  }
}

module network 'modules/network.bicep' = if (privateNetwork) {
  name: 'network'
  params: {
    vnetName: names.vnet
    location: location
    tags: allTags
    cosmosAccountId: cosmos.outputs.accountId
    keyVaultId: keyVault.outputs.vaultId
  }
}

// Logs, traces and counters of the host and the platform's diagnostics in one workspace, and
// the alerts (modules/monitoring.bicep; the Web App's part is monitoringSite below).
module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    workspaceName: monitoringNames.workspace
    appInsightsName: monitoringNames.appInsights
    actionGroupName: monitoringNames.actionGroup
    location: location
    tags: allTags
    alertEmail: alertEmail
    cosmosAccountName: cosmos.outputs.accountName
    keyVaultName: keyVault.outputs.vaultName
    timezone: 'Europe/Oslo'
  }
}

module webApp 'modules/webapp.bicep' = {
  name: 'webapp'
  params: {
    planName: names.plan
    siteName: names.webApp
    location: location
    tags: allTags
    siteTags: {
      // azd deploys the service `bot` of azure.yaml to the resource with this tag.
      'azd-service-name': 'bot'
    }
    planSku: shape.planSku
    instances: shape.instances
    stagingSlot: shape.stagingSlot
    identityResourceId: identity.id
    subnetId: privateNetwork ? network.outputs.appSubnetId : ''
    // Every name here is one bot/settings.py reads, or one the platform or azure-identity
    // reads (tests/unit/test_infra.py holds that list). Referencing the module outputs also makes
    // the web app wait for both role assignments, so the first start can reach its data.
    appSettings: {
      // The host sends traces, counters and logs to Application Insights (bot/telemetry.py). A
      // plain setting, not a Key Vault reference: it lets one send telemetry, not read any, and
      // Microsoft does not treat it as a secret.
      APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
      // botbuilder authenticates to the Bot Connector as the managed identity, whose client id
      // is the bot's app id; no MicrosoftAppPassword exists.
      MicrosoftAppId: identity.properties.clientId
      MicrosoftAppType: 'UserAssignedMSI'
      MicrosoftAppTenantId: identity.properties.tenantId
      // The Cosmos sign-in (storage/cosmos_store.py, ManagedIdentityCredential) picks the
      // user-assigned identity by this variable; without it, it would ask for a system-assigned
      // one, which there is not.
      AZURE_CLIENT_ID: identity.properties.clientId
      STORAGE: 'cosmos'
      COSMOS_ENDPOINT: cosmos.outputs.endpoint
      COSMOS_DATABASE: cosmos.outputs.databaseName
      // No COSMOS_KEY: the account has local (key) auth disabled, the host signs in as the identity.
      PSEUDONYM_KEY: '@Microsoft.KeyVault(VaultName=${keyVault.outputs.vaultName};SecretName=${keyVault.outputs.secretName};SecretVersion=${pseudonymKeyVersion})'
      ALLOWED_TENANTS: allowedTenants
      // The pulse's CSV and the data export are links to this host, opened in the browser.
      // (Its own output cannot be used here; this is App Service's default host name.)
      PUBLIC_BASE_URL: 'https://${names.webApp}.azurewebsites.net'
      // This slot runs the rounds, reminders and syncs and may send; the staging slot, which
      // shares this store, does neither (stagingSettings).
      SCHEDULER: 'on'
      TIMEZONE: 'Europe/Oslo'
      // App Service sends traffic to the container on WEBSITES_PORT (8000 is its Python
      // default); the host listens where PORT says, on all interfaces of the container.
      HOST: '0.0.0.0'
      PORT: '8000'
      WEBSITES_PORT: '8000'
      // Seconds between SIGTERM and the kill at a restart or deployment (the default is 5). On
      // SIGTERM a delivery stops claiming people and lets its sends in flight settle in the
      // ledger: a send ends within the connector's 30 s timeout, and one that was throttled
      // waits at most 30 s and tries once more, so 90 s. A send still retrying after that is
      // killed between send and record: the next run sends that person the card again.
      WEBSITES_CONTAINER_STOP_TIME_LIMIT: '90'
      // Zip deployments run Oryx, which installs requirements.txt into the app's virtualenv.
      SCM_DO_BUILD_DURING_DEPLOYMENT: 'true'
      // A swap first starts the staging slot's instances with production's settings and waits
      // until they answer here (the host's /healthz) before it moves traffic to them.
      WEBSITE_SWAP_WARMUP_PING_PATH: '/healthz'
      WEBSITE_SWAP_WARMUP_PING_STATUSES: '200'
    }
    // The staging slot's own values of the settings that stay with a slot at a swap (slot
    // settings): the code moves to production, these do not. Staging runs no scheduled job and
    // refuses the commands that send (bot/settings.py SCHEDULER), since it shares production's
    // store; its links point to itself.
    stagingSettings: {
      SCHEDULER: 'off'
      PUBLIC_BASE_URL: 'https://${names.webApp}-staging.azurewebsites.net'
    }
  }
}

// The Bot Connector posts every Teams activity here; app.py serves POST /api/messages.
var messagingEndpoint = 'https://${webApp.outputs.defaultHostName}/api/messages'

module bot 'modules/bot.bicep' = {
  name: 'bot'
  params: {
    botName: names.bot
    displayName: botDisplayName
    tags: allTags
    sku: botSku
    messagingEndpoint: messagingEndpoint
    identityClientId: identity.properties.clientId
    identityResourceId: identity.id
    identityTenantId: identity.properties.tenantId
  }
}

module monitoringSite 'modules/monitoring-site.bicep' = {
  name: 'monitoring-site'
  params: {
    siteName: webApp.outputs.siteName
    workspaceId: monitoring.outputs.workspaceId
    actionGroupId: monitoring.outputs.actionGroupId
    tags: allTags
  }
}

@description('Host name of the Web App: the --domain of the Teams app package.')
output webAppHostName string = webApp.outputs.defaultHostName

@description('Name of the Web App, for az webapp deploy.')
output webAppName string = webApp.outputs.siteName

@description('Name of the staging slot to deploy into and swap (az webapp deploy --slot), or empty: production only.')
output stagingSlotName string = webApp.outputs.stagingSlotName

@description('Messaging endpoint of the Azure Bot registration.')
output botEndpoint string = messagingEndpoint

@description('Client id of the managed identity = the bot app id (MicrosoftAppId): the --app-id of the Teams app package.')
output identityClientId string = identity.properties.clientId

@description('Cosmos DB account endpoint (COSMOS_ENDPOINT).')
output cosmosEndpoint string = cosmos.outputs.endpoint

@description('Name of the Key Vault that holds the pseudonym key.')
output keyVaultName string = keyVault.outputs.vaultName
