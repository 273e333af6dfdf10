// Validates Kubernetes YAML offline against the schemas of kubernetes-models (Kubernetes itself)
// and @kubernetes-models/cert-manager. Strimzi's kinds are checked in Java instead
// (deploy-check's StrimziResourcesTest, with Strimzi's own API classes).
//   node validate.mjs FILE...        (e.g. the output of kubectl kustomize)
// Exits 1 naming every object that does not validate or whose kind it cannot check.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const CHECKED_ELSEWHERE = new Set(["kafka.strimzi.io"]);

function modulePath(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (group === "") return `kubernetes-models/${version}/${kind}`;
  if (group.endsWith("cert-manager.io")) return `@kubernetes-models/cert-manager/${group}/${version}/${kind}`;
  return `kubernetes-models/${group}/${version}/${kind}`;
}

let failures = 0;
let checked = 0;
for (const file of process.argv.slice(2)) {
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (doc.errors.length) {
      console.error(`${file}: YAML: ${doc.errors.map((e) => e.message).join("; ")}`);
      failures++;
      continue;
    }
    const obj = doc.toJS();
    if (!obj) continue;
    const name = `${file}: ${obj.kind} ${obj.metadata?.namespace ? obj.metadata.namespace + "/" : ""}${obj.metadata?.name}`;
    const group = (obj.apiVersion ?? "").split("/")[0];
    if (CHECKED_ELSEWHERE.has(group)) continue;
    let Model;
    try {
      Model = (await import(modulePath(obj.apiVersion, obj.kind)))[obj.kind];
    } catch (e) {
      console.error(`${name}: no schema for ${obj.apiVersion} ${obj.kind}`);
      failures++;
      continue;
    }
    try {
      new Model(obj).validate();
      checked++;
    } catch (e) {
      console.error(`${name}: ${e.message}`);
      failures++;
    }
  }
}
console.log(`validate: ${checked} objects valid, ${failures} problems`);
process.exit(failures ? 1 : 0);
