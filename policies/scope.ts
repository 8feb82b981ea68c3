/**
 * Which @pulumi/gcp resource types the pack must judge, and the ones it deliberately leaves out.
 *
 * A type is security-relevant when it can grant access (IAM, ACLs, keys, roles, org policies,
 * audit configs), open a network path (firewalls, addresses, load balancers, clusters, public
 * services) or hold data (buckets, databases, disks, secrets, log buckets...). test/policies/
 * coverage.test.ts walks every type of the installed SDK and fails when a relevant one is judged
 * by no rule and not listed here with a reason; docs/policies.md renders this list.
 */

const GRANTS_ACCESS =
  /I(?:AM|am)(?:Member|Binding|Policy)$|AccessControl$|ACL$|:DatasetAccess$|CustomRole$|serviceaccount\/key:|hmacKey:|apiKey:|workloadIdentityPool|orgpolicy\/|OrganizationPolicy$|organizations\/policy:|AuditConfig$|accesscontextmanager\/(?:servicePerimeter|accessLevel)/;
const OPENS_NETWORK =
  /compute\/(?:firewall|firewallPolicy|networkFirewallPolicy|regionNetworkFirewallPolicy|securityPolicy|address|globalAddress|forwardingRule|globalForwardingRule|instance:|instanceTemplate|regionInstanceTemplate|networkPeering|vpnTunnel|externalVpnGateway|serviceAttachment|router:|routerNat|route:|sharedVPC|target|urlMap|backendService|backendBucket|regionBackendService)|container\/cluster:|sql\/databaseInstance|alloydb\/instance|redis\/instance|cloudrun(?:v2)?\/service:|cloudfunctions(?:v2)?\/function:|dns\/(?:managedZone|recordSet)|apigateway\/gateway|networkservices\/|certificatemanager\//;
const HOLDS_DATA =
  /storage\/bucket:|sql\/(?:databaseInstance|database):|bigquery\/(?:dataset|table):|spanner\/(?:instance|database):|bigtable\/(?:instance|table):|firestore\/database:|redis\/(?:instance|cluster):|memcache\/instance|memorystore\/instance|filestore\/(?:instance|backup)|alloydb\/(?:cluster|instance):|secretmanager\/(?:secret|regionalSecret|secretVersion|regionalSecretVersion):|compute\/(?:disk|regionDisk|snapshot|image|machineImage):|logging\/\w+BucketConfig:|pubsub\/(?:topic|subscription):|artifactregistry\/repository:|kms\/(?:keyRing|cryptoKey):|dataproc\/cluster:|datastore|healthcare\/(?:dataset|fhirStore|dicomStore|hl7V2Store):/;

/** Whether a resource type can grant access, open a network path or hold data. */
export function isSecurityRelevantType(type: string): boolean {
  return GRANTS_ACCESS.test(type) || OPENS_NETWORK.test(type) || HOLDS_DATA.test(type);
}

/** Security-relevant types no rule judges, each with the reason. */
export const OUT_OF_SCOPE: readonly { reason: string; types: readonly string[] }[] = [
  {
    reason:
      "Access Context Manager (VPC Service Controls) only narrows access to Google APIs; it cannot grant access or open a path.",
    types: [
      "gcp:accesscontextmanager/accessLevel:AccessLevel",
      "gcp:accesscontextmanager/accessLevelCondition:AccessLevelCondition",
      "gcp:accesscontextmanager/accessLevels:AccessLevels",
      "gcp:accesscontextmanager/servicePerimeter:ServicePerimeter",
      "gcp:accesscontextmanager/servicePerimeterDryRunEgressPolicy:ServicePerimeterDryRunEgressPolicy",
      "gcp:accesscontextmanager/servicePerimeterDryRunIngressPolicy:ServicePerimeterDryRunIngressPolicy",
      "gcp:accesscontextmanager/servicePerimeterDryRunResource:ServicePerimeterDryRunResource",
      "gcp:accesscontextmanager/servicePerimeterEgressPolicy:ServicePerimeterEgressPolicy",
      "gcp:accesscontextmanager/servicePerimeterIngressPolicy:ServicePerimeterIngressPolicy",
      "gcp:accesscontextmanager/servicePerimeterResource:ServicePerimeterResource",
      "gcp:accesscontextmanager/servicePerimeters:ServicePerimeters",
    ],
  },
  {
    reason:
      "Firewall policy containers, associations and mirroring: the rules inside them are judged by firewall-no-world-ingress (FirewallPolicyRule, NetworkFirewallPolicyRule, RegionNetworkFirewallPolicyRule and the *WithRules types).",
    types: [
      "gcp:compute/firewallPolicy:FirewallPolicy",
      "gcp:compute/firewallPolicyAssociation:FirewallPolicyAssociation",
      "gcp:compute/networkFirewallPolicy:NetworkFirewallPolicy",
      "gcp:compute/networkFirewallPolicyAssociation:NetworkFirewallPolicyAssociation",
      "gcp:compute/networkFirewallPolicyPacketMirroringRule:NetworkFirewallPolicyPacketMirroringRule",
      "gcp:compute/regionNetworkFirewallPolicy:RegionNetworkFirewallPolicy",
      "gcp:compute/regionNetworkFirewallPolicyAssociation:RegionNetworkFirewallPolicyAssociation",
    ],
  },
  {
    reason:
      "Load-balancer and service-networking plumbing (addresses, forwarding rules, proxies, backends, Cloud Armor, certificates, service routes and gateways): what they expose is a service the platform does not yet ship; not judged today.",
    types: [
      "gcp:apigateway/gateway:Gateway",
      "gcp:certificatemanager/certificate:Certificate",
      "gcp:certificatemanager/certificateIssuanceConfig:CertificateIssuanceConfig",
      "gcp:certificatemanager/certificateMap:CertificateMap",
      "gcp:certificatemanager/certificateMapEntry:CertificateMapEntry",
      "gcp:certificatemanager/dnsAuthorization:DnsAuthorization",
      "gcp:certificatemanager/trustConfig:TrustConfig",
      "gcp:compute/address:Address",
      "gcp:compute/backendBucket:BackendBucket",
      "gcp:compute/backendBucketSignedUrlKey:BackendBucketSignedUrlKey",
      "gcp:compute/backendService:BackendService",
      "gcp:compute/backendServiceSignedUrlKey:BackendServiceSignedUrlKey",
      "gcp:compute/forwardingRule:ForwardingRule",
      "gcp:compute/globalAddress:GlobalAddress",
      "gcp:compute/globalForwardingRule:GlobalForwardingRule",
      "gcp:compute/regionBackendService:RegionBackendService",
      "gcp:compute/securityPolicy:SecurityPolicy",
      "gcp:compute/securityPolicyRule:SecurityPolicyRule",
      "gcp:compute/serviceAttachment:ServiceAttachment",
      "gcp:compute/targetGrpcProxy:TargetGrpcProxy",
      "gcp:compute/targetHttpProxy:TargetHttpProxy",
      "gcp:compute/targetHttpsProxy:TargetHttpsProxy",
      "gcp:compute/targetInstance:TargetInstance",
      "gcp:compute/targetPool:TargetPool",
      "gcp:compute/targetSSLProxy:TargetSSLProxy",
      "gcp:compute/targetTCPProxy:TargetTCPProxy",
      "gcp:networkservices/agentGateway:AgentGateway",
      "gcp:networkservices/authzExtension:AuthzExtension",
      "gcp:networkservices/edgeCacheKeyset:EdgeCacheKeyset",
      "gcp:networkservices/edgeCacheOrigin:EdgeCacheOrigin",
      "gcp:networkservices/edgeCacheService:EdgeCacheService",
      "gcp:networkservices/endpointPolicy:EndpointPolicy",
      "gcp:networkservices/gateway:Gateway",
      "gcp:networkservices/grpcRoute:GrpcRoute",
      "gcp:networkservices/httpRoute:HttpRoute",
      "gcp:networkservices/lbEdgeExtension:LbEdgeExtension",
      "gcp:networkservices/lbRouteExtension:LbRouteExtension",
      "gcp:networkservices/lbTrafficExtension:LbTrafficExtension",
      "gcp:networkservices/mesh:Mesh",
      "gcp:networkservices/multicastConsumerAssociation:MulticastConsumerAssociation",
      "gcp:networkservices/multicastDomain:MulticastDomain",
      "gcp:networkservices/multicastDomainActivation:MulticastDomainActivation",
      "gcp:networkservices/multicastDomainGroup:MulticastDomainGroup",
      "gcp:networkservices/multicastGroupConsumerActivation:MulticastGroupConsumerActivation",
      "gcp:networkservices/multicastGroupProducerActivation:MulticastGroupProducerActivation",
      "gcp:networkservices/multicastGroupRange:MulticastGroupRange",
      "gcp:networkservices/multicastGroupRangeActivation:MulticastGroupRangeActivation",
      "gcp:networkservices/multicastProducerAssociation:MulticastProducerAssociation",
      "gcp:networkservices/serviceBinding:ServiceBinding",
      "gcp:networkservices/serviceLbPolicies:ServiceLbPolicies",
      "gcp:networkservices/tcpRoute:TcpRoute",
      "gcp:networkservices/tlsRoute:TlsRoute",
      "gcp:networkservices/wasmPlugin:WasmPlugin",
    ],
  },
  {
    reason:
      "Serverless services: who may invoke them is granted through their IAM resources, which the IAM rules judge; ingress settings are not judged today.",
    types: [
      "gcp:cloudfunctions/function:Function",
      "gcp:cloudfunctionsv2/function:Function",
      "gcp:cloudrun/service:Service",
      "gcp:cloudrunv2/service:Service",
    ],
  },
  {
    reason:
      "Routing, NAT, peering, Shared VPC and VPN gateways inside the organisation's networks: they admit no traffic from the internet by themselves (firewalls do).",
    types: [
      "gcp:compute/externalVpnGateway:ExternalVpnGateway",
      "gcp:compute/networkPeering:NetworkPeering",
      "gcp:compute/networkPeeringRoutesConfig:NetworkPeeringRoutesConfig",
      "gcp:compute/route:Route",
      "gcp:compute/router:Router",
      "gcp:compute/routerNat:RouterNat",
      "gcp:compute/routerNatAddress:RouterNatAddress",
      "gcp:compute/sharedVPCHostProject:SharedVPCHostProject",
      "gcp:compute/sharedVPCServiceProject:SharedVPCServiceProject",
    ],
  },
  {
    reason:
      "Copies of disk data (snapshots, images, machine images): sharing them is an IAM grant, which the IAM rules judge; deletion protection is not required for copies.",
    types: [
      "gcp:compute/image:Image",
      "gcp:compute/machineImage:MachineImage",
      "gcp:compute/snapshot:Snapshot",
    ],
  },
  {
    reason:
      "Workload identity pools, namespaces and managed identities grant nothing by themselves: providers are judged by wif-provider-pins-repository-owner, grants by the IAM and wif rules.",
    types: [
      "gcp:iam/workloadIdentityPool:WorkloadIdentityPool",
      "gcp:iam/workloadIdentityPoolManagedIdentity:WorkloadIdentityPoolManagedIdentity",
      "gcp:iam/workloadIdentityPoolNamespace:WorkloadIdentityPoolNamespace",
    ],
  },
  {
    reason:
      "Custom organization policy constraints only restrict; weakening is judged on organization policies (org-policy-no-weakening).",
    types: ["gcp:orgpolicy/customConstraint:CustomConstraint"],
  },
  {
    reason: "DNS records publish names, not access; public zones are judged by dns-dnssec-public-zones.",
    types: ["gcp:dns/recordSet:RecordSet"],
  },
  {
    reason:
      "Secret versions hold the data of a Secret, which prod-stateful-protected protects; their access is granted on the Secret.",
    types: [
      "gcp:secretmanager/regionalSecretVersion:RegionalSecretVersion",
      "gcp:secretmanager/secretVersion:SecretVersion",
    ],
  },
  {
    reason:
      "Data services the platform's components do not use (Dataproc, Healthcare, Pub/Sub topics and subscriptions, VMware Engine and Apigee datastores, Distributed Cloud clusters, Memorystore endpoints): reviewed when a component adopts them; their IAM resources are judged by the IAM rules.",
    types: [
      "gcp:apigee/datastore:Datastore",
      "gcp:dataproc/cluster:Cluster",
      "gcp:edgecontainer/cluster:Cluster",
      "gcp:healthcare/dataset:Dataset",
      "gcp:healthcare/dicomStore:DicomStore",
      "gcp:healthcare/fhirStore:FhirStore",
      "gcp:memorystore/instanceDesiredUserCreatedEndpoints:InstanceDesiredUserCreatedEndpoints",
      "gcp:pubsub/subscription:Subscription",
      "gcp:pubsub/topic:Topic",
      "gcp:vmwareengine/datastore:Datastore",
    ],
  },
];
