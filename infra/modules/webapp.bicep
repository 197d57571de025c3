// Linux App Service plan and the Web App that runs `python app.py` (aiohttp) as the managed
// identity.

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

@description('App Service plan SKU (Basic or higher, for always on).')
param planSku string = 'B1'

@description('Resource id of the user-assigned managed identity the app runs as.')
param identityResourceId string

@description('Resource id of the subnet the app joins (VNet integration), or empty for none.')
param subnetId string = ''

@description('App settings (environment variables of the host), name to value.')
param appSettings object

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'linux'
  sku: {
    name: planSku
  }
  properties: {
    // true = a Linux plan.
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: siteName
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
    siteConfig: {
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
      appSettings: [
        for setting in items(appSettings): {
          name: setting.key
          value: setting.value
        }
      ]
    }
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

@description('Default host name, <name>.azurewebsites.net.')
output defaultHostName string = site.properties.defaultHostName

@description('Name of the Web App.')
output siteName string = site.name
