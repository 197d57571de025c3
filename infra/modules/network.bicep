// Private networking (main.bicep `privateNetwork`): a virtual network the Web App joins (VNet
// integration, all outbound traffic through it), and private endpoints through which alone
// Cosmos DB and Key Vault are reached, with the private DNS zones that make their usual host
// names resolve to the endpoints inside the network.

@description('Name of the virtual network.')
param vnetName string

@description('Azure region of the network and the private endpoints.')
param location string

@description('Tags put on every resource.')
param tags object = {}

@description('Address space of the network: a /24, split into the app subnet and the private endpoints subnet.')
param addressPrefix string = '10.40.0.0/24'

@description('Resource id of the Cosmos DB account.')
param cosmosAccountId string

@description('Resource id of the Key Vault.')
param keyVaultId string

// The app subnet is delegated to App Service (VNet integration needs its own subnet, /28 at
// least; /26 leaves room to scale out). The endpoints take one address each.
var appSubnet = cidrSubnet(addressPrefix, 26, 0)
var endpointSubnet = cidrSubnet(addressPrefix, 26, 1)

// groupId: the sub-resource the endpoint serves; zone: the private DNS zone of that service.
var endpoints = [
  {
    name: 'cosmos'
    resourceId: cosmosAccountId
    groupId: 'Sql'
    zone: 'privatelink.documents.azure.com'
  }
  {
    name: 'vault'
    resourceId: keyVaultId
    groupId: 'vault'
    zone: 'privatelink.vaultcore.azure.net'
  }
]

resource vnet 'Microsoft.Network/virtualNetworks@2023-11-01' = {
  name: vnetName
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        addressPrefix
      ]
    }
    subnets: [
      {
        name: 'app'
        properties: {
          addressPrefix: appSubnet
          delegations: [
            {
              name: 'app-service'
              properties: {
                serviceName: 'Microsoft.Web/serverFarms'
              }
            }
          ]
        }
      }
      {
        name: 'private-endpoints'
        properties: {
          addressPrefix: endpointSubnet
        }
      }
    ]
  }
}

resource zones 'Microsoft.Network/privateDnsZones@2020-06-01' = [
  for endpoint in endpoints: {
    name: endpoint.zone
    location: 'global'
    tags: tags
  }
]

resource zoneLinks 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2020-06-01' = [
  for (endpoint, i) in endpoints: {
    parent: zones[i]
    name: vnetName
    location: 'global'
    tags: tags
    properties: {
      registrationEnabled: false
      virtualNetwork: {
        id: vnet.id
      }
    }
  }
]

resource privateEndpoints 'Microsoft.Network/privateEndpoints@2023-11-01' = [
  for endpoint in endpoints: {
    name: 'pe-${endpoint.name}-${vnetName}'
    location: location
    tags: tags
    properties: {
      subnet: {
        id: vnet.properties.subnets[1].id
      }
      privateLinkServiceConnections: [
        {
          name: endpoint.name
          properties: {
            privateLinkServiceId: endpoint.resourceId
            groupIds: [
              endpoint.groupId
            ]
          }
        }
      ]
    }
  }
]

resource dnsZoneGroups 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2023-11-01' = [
  for (endpoint, i) in endpoints: {
    parent: privateEndpoints[i]
    name: 'default'
    properties: {
      privateDnsZoneConfigs: [
        {
          name: endpoint.name
          properties: {
            privateDnsZoneId: zones[i].id
          }
        }
      ]
    }
  }
]

@description('Resource id of the subnet the Web App joins.')
output appSubnetId string = vnet.properties.subnets[0].id
