// Azure Bot registration that authenticates as the user-assigned managed identity, with the
// Microsoft Teams channel.

@description('Name (handle) of the Azure Bot: globally unique, 2-64 characters.')
@minLength(2)
@maxLength(64)
param botName string

@description('Display name of the registration.')
@maxLength(42)
param displayName string

@description('Tags put on every resource.')
param tags object = {}

@description('Azure Bot SKU: F0 (free) or S1 (standard).')
@allowed([
  'F0'
  'S1'
])
param sku string = 'F0'

@description('https URL the Bot Connector posts activities to (https://<web app>/api/messages).')
param messagingEndpoint string

@description('Client id of the managed identity: the bot app id (MicrosoftAppId).')
param identityClientId string

@description('Resource id of the managed identity.')
param identityResourceId string

@description('Entra tenant of the managed identity.')
param identityTenantId string

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: botName
  // Region choice: global. The registration holds configuration only (endpoint, app id); the
  // bot's data lives in the Web App's and Cosmos DB's region (main.bicep `location`), and Teams
  // keeps chats in the tenant's Microsoft 365 geography either way. A regional (EU) bot would
  // keep the Bot Connector's processing in Europe too; it was not chosen because its channel
  // support has to be confirmed for Microsoft Teams first (docs/operations.md).
  location: 'global'
  tags: tags
  kind: 'azurebot'
  sku: {
    name: sku
  }
  properties: {
    displayName: displayName
    endpoint: messagingEndpoint
    // UserAssignedMSI: the bot's app id is the identity's client id and tokens come from the
    // identity, so no app registration or client secret exists.
    msaAppType: 'UserAssignedMSI'
    msaAppId: identityClientId
    msaAppMSIResourceId: identityResourceId
    msaAppTenantId: identityTenantId
    publicNetworkAccess: 'Enabled'
  }
}

resource teams 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
    }
  }
}

@description('Name of the Azure Bot.')
output botName string = bot.name
