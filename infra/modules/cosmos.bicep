// Cosmos DB for NoSQL: the account, the database and the bot's containers, and the data-plane
// role of the managed identity.
//
// The host opens these with a managed identity and only checks that they exist (see
// storage/cosmos_store.py): data-plane roles cannot create databases or containers, so they are
// declared here, with exactly the shape the host creates when it runs with a key.

@description('Name of the Cosmos DB account: globally unique, lowercase letters, digits and hyphens, 3-44 characters.')
@minLength(3)
@maxLength(44)
param accountName string

@description('Azure region of the account.')
param location string

@description('Tags put on every resource.')
param tags object = {}

@description('Name of the database (COSMOS_DATABASE).')
param databaseName string

@description('true = serverless account; false = provisioned autoscale throughput shared by the database.')
param serverless bool = true

@description('Upper limit of the shared autoscale throughput (RU/s); used only when serverless is false.')
@minValue(1000)
param autoscaleMaxThroughput int = 1000

@description('true = reachable only through private endpoints (modules/network.bicep); false = public network access, guarded by Entra sign-in alone.')
param privateOnly bool = false

@description('Principal (object) id of the managed identity that gets the Cosmos DB Built-in Data Contributor role.')
param dataContributorPrincipalId string

@description('Principal (object) ids of operators (people or groups) who get the same data role, to run the commands that send nothing (round status, roles, org import, key check) from a workstation with their own Entra sign-in. Commands that send cards run inside the app.')
param operatorPrincipalIds array = []

// storage/port.py CONTAINERS: tests/unit/test_infra.py fails when the two lists differ.
var containerNames = [
  'users'
  'responses'
  'rounds'
  'counters'
  'deliveries'
  'dialogstate'
  'leases'
  'directory'
  'agreements'
  'followups'
  'weeks'
  'audit'
  'meta'
]

// Cosmos DB Built-in Data Contributor: read, write, query and patch items; no control plane.
var dataContributorRoleId = '00000000-0000-0000-0000-000000000002'

// Serverless accounts take no throughput settings; a provisioned one shares autoscale
// throughput across the containers, since none of them is busy enough for its own.
var capabilities = serverless ? [
  {
    name: 'EnableServerless'
  }
] : []
var databaseOptions = serverless ? {} : {
  autoscaleSettings: {
    maxThroughput: autoscaleMaxThroughput
  }
}

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: accountName
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    // Session, the Cosmos default: the cheapest level at which a client reads its own writes.
    // Races between host instances are settled by ETag conditions, which writes check at any level.
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    // One region; serverless accounts cannot have more.
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    capabilities: capabilities
    // Keys off: only Entra identities with a data-plane role get in, so there is no account key
    // to leak or rotate. The host has no COSMOS_KEY in production.
    disableLocalAuth: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: privateOnly ? 'Disabled' : 'Enabled'
    // Point-in-time restore to any second of the last 7 days (docs/operations.md, "Restore").
    // The 7-day tier costs nothing extra; an account cannot go back to periodic backups.
    backupPolicy: {
      type: 'Continuous'
      continuousModeProperties: {
        tier: 'Continuous7Days'
      }
    }
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
    options: databaseOptions
  }
}

// Every container partitioned on /pk, per-item TTL switched on with no default expiry
// (defaultTtl -1): a document expires only when it carries its own `ttl` (check-in responses).
resource containers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = [
  for name in containerNames: {
    parent: database
    name: name
    properties: {
      resource: {
        id: name
        partitionKey: {
          paths: [
            '/pk'
          ]
          kind: 'Hash'
          version: 2
        }
        defaultTtl: -1
      }
    }
  }
]

// Scoped to the account: the identity needs every container, and nothing else gets a role.
resource dataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = {
  parent: account
  name: guid(account.id, dataContributorPrincipalId, dataContributorRoleId)
  properties: {
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/${dataContributorRoleId}'
    principalId: dataContributorPrincipalId
    scope: account.id
  }
}

// Operators read and write the data as the bot does, but cannot send as the bot: the app's
// identity is not theirs, so `round open` refuses to run on a workstation (bot/settings.py).
resource operators 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = [
  for principalId in operatorPrincipalIds: {
    parent: account
    name: guid(account.id, principalId, dataContributorRoleId)
    properties: {
      roleDefinitionId: '${account.id}/sqlRoleDefinitions/${dataContributorRoleId}'
      principalId: principalId
      scope: account.id
    }
  }
]

@description('Account endpoint, https://<account>.documents.azure.com:443/.')
output endpoint string = account.properties.documentEndpoint

@description('Name of the database.')
output databaseName string = database.name

@description('Name of the account.')
output accountName string = account.name

@description('Resource id of the account, for its private endpoint.')
output accountId string = account.id
