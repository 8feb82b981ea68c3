import { describe, expect, it } from "vitest";
import { classifyResourceType } from "../../tools/plan-summary/classify";

// Beyond test/plan-summary/classify.test.ts: one case per alternative of each pattern, and the
// near-misses that its anchors (`^`, `$`, `\b`, the trailing `:`) exist to refuse. Some tokens are
// made up: the classification reads the token's shape, not a list of known types.
describe("classifyResourceType: every alternative", () => {
  it.each([
    ["gcp:projects/iAMAuditConfig:IAMAuditConfig", "identity"],
    ["gcp:folder/iAMBinding:IAMBinding", "identity"],
    ["gcp:storage/bucketAccessControl:BucketAccessControl", "identity"],
    ["gcp:storage/objectAccessControl:ObjectAccessControl", "identity"],
    ["gcp:storage/defaultObjectACL:DefaultObjectACL", "identity"],
    ["gcp:container/workloadIdentityConfig:WorkloadIdentityConfig", "identity"],
    ["kubernetes:rbac.authorization.k8s.io/v1:Role", "identity"],
    ["aws:ec2/natGateway:NatGateway", "network"],
    ["gcp:compute/nat:Nat", "network"],
    ["gcp:compute/backendBucket:BackendBucket", "network"],
    ["gcp:compute/targetHttpProxy:TargetHttpProxy", "network"],
    ["gcp:compute/targetTcpProxy:TargetTcpProxy", "network"],
    ["gcp:compute/targetSslProxy:TargetSslProxy", "network"],
    ["gcp:compute/targetGrpcProxy:TargetGrpcProxy", "network"],
    ["kubernetes:extensions/v1beta1:Ingress", "network"],
    ["kubernetes:networking.k8s.io/v1:NetworkPolicy", "network"],
    ["aws:alb/loadBalancer:LoadBalancer", "network"],
    ["aws:elb/loadBalancer:LoadBalancer", "network"],
    ["aws:elasticloadbalancing/loadBalancer:LoadBalancer", "network"],
    ["aws:elasticloadbalancingv2/loadBalancer:LoadBalancer", "network"],
    ["gcp:bigtable/instance:Instance", "data"],
    ["gcp:alloydb/cluster:Cluster", "data"],
    ["gcp:redis/instance:Instance", "data"],
    ["gcp:filestore/instance:Instance", "data"],
    ["gcp:compute/snapshot:Snapshot", "data"],
    ["gcp:compute/regionSnapshot:RegionSnapshot", "data"],
    ["gcp:secretmanager/secretVersion:SecretVersion", "data"],
    ["gcp:secretmanager/regionalSecret:RegionalSecret", "data"],
    ["gcp:secretmanager/regionalSecretVersion:RegionalSecretVersion", "data"],
    ["aws:rds/instance:Instance", "data"],
    ["aws:dynamodb/table:Table", "data"],
    ["aws:ebs/volume:Volume", "data"],
    ["aws:efs/fileSystem:FileSystem", "data"],
    ["aws:docdb/cluster:Cluster", "data"],
    ["aws:elasticache/cluster:Cluster", "data"],
    ["aws:ec2/volumeAttachment:VolumeAttachment", "data"],
    ["kubernetes:core/v1:PersistentVolume", "data"],
    ["kubernetes:storage.k8s.io/v1:StorageClass", "data"],
  ])("%s → %s", (type, expected) => {
    expect(classifyResourceType(type)).toBe(expected);
  });
});

describe("classifyResourceType: near-misses stay 'other'", () => {
  it.each([
    // `\b` after the IAM families: a longer word is not an IAM resource.
    ["gcp:directory/iamMemberships:IamMemberships"],
    // `^` anchors: the module must start with the family.
    ["gcp:projectsiam/thing:Thing"],
    ["kubernetes:xrbac.authorization.k8s.io/v1:Role"],
    ["aws:xec2/eip:Eip"],
    ["kubernetes:corex/v1:Service"],
    ["kubernetes:xcore/v1:Service"],
    ["aws:xlb/thing:Thing"],
    ["gcp:xstorage/thing:Thing"],
    ["gcp:mysql/thing:Thing"],
    ["gcp:xcompute/disk:Disk"],
    ["gcp:xsecretmanager/secret:Secret"],
    ["aws:xs3/thing:Thing"],
    ["aws:xec2/volume:Volume"],
    ["kubernetes:xcore/v1:PersistentVolume"],
    ["kubernetes:xstorage.k8s.io/v1:StorageClass"],
    // `$` anchors: the name must end there.
    ["gcp:compute/address:AddressGroup"],
    ["gcp:compute/nat:Natural"],
    ["kubernetes:core/v1:ServiceList"],
    ["kubernetes:core/v1:PersistentVolumeClaimList"],
    // `:` after the secret name: another secretmanager resource is not a secret's data.
    ["gcp:secretmanager/secretFoo:SecretFoo"],
    // The optional group is optional, not anything: `elasticloadbalancingv3` is not v2.
    ["aws:elasticloadbalancingv3/thing:Thing"],
    // Fewer than three parts is not a type token; the `pulumi` package is the engine's.
    ["gcp:firewall"],
    ["firewall"],
    ["pulumi:compute/firewall:Firewall"],
    ["pulumi:providers:kubernetes"],
  ])("%s → other", (type) => {
    expect(classifyResourceType(type)).toBe("other");
  });
});

describe("classifyResourceType: order and case", () => {
  it("a bucket's IAM member is an identity change, not a data one; a bucket is data", () => {
    expect(classifyResourceType("gcp:storage/bucketIAMMember:BucketIAMMember")).toBe("identity");
    expect(classifyResourceType("gcp:storage/bucket:Bucket")).toBe("data");
  });

  it("reads the whole `<module>:<name>`: the name is part of the match", () => {
    // `:address$` needs the name after the colon.
    expect(classifyResourceType("gcp:compute/address:Address")).toBe("network");
    expect(classifyResourceType("GCP:COMPUTE/FIREWALL:FIREWALL")).toBe("network");
    expect(classifyResourceType("gcp:compute/globalAddress:GlobalAddress")).toBe("network");
  });
});
