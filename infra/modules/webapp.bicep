// Linux App Service plan and the Web App that runs `python app.py` (aiohttp) as the managed
// identity, and in production its staging slot.

@description('Name of the App Service plan.')
param planName string

@description('Name of the Web App: globally unique, it becomes <name>.azurewebsites.net.')
@minLength(2)
@maxLength(60)
param siteName string

@description('Azure region of the plan and the app.')
param location string

@description('Tags put on every resource.')
param tags object = {}

@description('Tags put on the Web App only (not the plan or the slot): azd finds the app to deploy to by its azd-service-name.')
param siteTags object = {}

@description('App Service plan SKU (Basic or higher, for always on).')
param planSku string = 'B1'

@description('Instances of the plan. Every instance runs the host and its scheduler; the jobs\' leases keep them from doing the same work twice.')
@minValue(1)
param instances int = 1

@description('Add the slot "staging" to deploy into and swap with production (Standard plans and up).')
param stagingSlot bool = false

@description('Resource id of the user-assigned managed identity the app runs as.')
param identityResourceId string

@description('Resource id of the subnet the app joins (VNet integration), or empty for none.')
param subnetId string = ''

@description('App settings (environment variables of the host), name to value.')
param appSettings object

@description('The staging slot\'s own values of settings that stay with their slot at a swap: these names become slot settings, and the slot gets appSettings with these values instead.')
param stagingSettings object = {}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'linux'
  sku: {
    name: planSku
    capacity: instances
  }
  properties: {
    // true = a Linux plan.
    reserved: true
  }
}

// App Service takes the settings as a list of names and values.
func settingList(settings object) array => map(items(settings), setting => { name: setting.key, value: setting.value })

// The production slot's and the staging slot's configuration, less their app settings.
var siteConfig = {
  linuxFxVersion: 'PYTHON|3.11'
  // The aiohttp host is its own server (no WSGI app for gunicorn); it reads HOST and PORT.
  // startup.sh execs Python, and this command execs startup.sh in App Service's generated
  // start script, so SIGTERM reaches the host and it stops cleanly (the script says more).
  appCommandLine: 'exec sh startup.sh'
  // The scheduler of check-in rounds lives in the host process: it must not be unloaded
  // when idle.
  alwaysOn: true
  // app.py answers GET /healthz. With two or more instances, App Service takes one that
  // keeps failing it out of the load balancer and replaces it.
  healthCheckPath: '/healthz'
  http20Enabled: true
  minTlsVersion: '1.2'
  scmMinTlsVersion: '1.2'
  ftpsState: 'Disabled'
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: siteName
  location: location
  tags: union(tags, siteTags)
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityResourceId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references resolve as this identity; without it App Service would use a
    // system-assigned identity, which this app does not have.
    keyVaultReferenceIdentity: identityResourceId
    // No sticky sessions: every request carries its own Bot Framework token and all state is
    // in Cosmos DB, so any instance can take any request.
    clientAffinityEnabled: false
    // With private networking every outbound call (Cosmos DB, Key Vault references included)
    // leaves through the virtual network, where the private DNS zones resolve the endpoints.
    virtualNetworkSubnetId: empty(subnetId) ? null : subnetId
    vnetRouteAllEnabled: !empty(subnetId)
    siteConfig: union(siteConfig, { appSettings: settingList(appSettings) })
  }
}

// Deployments sign in with Entra (az webapp deploy, az login) only: the SCM (Kudu) and FTP
// sites refuse user names and passwords, which could otherwise publish code as the app.
resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

// The slot to deploy a new version into, warm up and swap with production (docs/operations.md).
// It runs as the same identity against the same store, so the settings that must not follow
// the code at a swap are slot settings, with staging's own values.
resource staging 'Microsoft.Web/sites/slots@2024-04-01' = if (stagingSlot) {
  parent: site
  name: 'staging'
  location: location
  tags: tags
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityResourceId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityResourceId
    clientAffinityEnabled: false
    virtualNetworkSubnetId: empty(subnetId) ? null : subnetId
    vnetRouteAllEnabled: !empty(subnetId)
    siteConfig: union(siteConfig, { appSettings: settingList(union(appSettings, stagingSettings)) })
  }
}

resource stickySettings 'Microsoft.Web/sites/config@2024-04-01' = if (stagingSlot) {
  parent: site
  name: 'slotConfigNames'
  properties: {
    appSettingNames: [for setting in items(stagingSettings): setting.key]
  }
}

resource stagingScmBasicAuth 'Microsoft.Web/sites/slots/basicPublishingCredentialsPolicies@2024-04-01' = if (stagingSlot) {
  parent: staging
  name: 'scm'
  properties: {
    allow: false
  }
}

resource stagingFtpBasicAuth 'Microsoft.Web/sites/slots/basicPublishingCredentialsPolicies@2024-04-01' = if (stagingSlot) {
  parent: staging
  name: 'ftp'
  properties: {
    allow: false
  }
}

@description('Default host name, <name>.azurewebsites.net.')
output defaultHostName string = site.properties.defaultHostName

@description('Name of the Web App.')
output siteName string = site.name

@description('Name of the staging slot, or empty when there is none.')
output stagingSlotName string = stagingSlot ? 'staging' : ''
