// The s.yaml schema lives in src/shared: `fnplay deploy` reads the same files.
export { fcServiceEntries, isFcComponent, parseSYaml, describeIssue, sYamlFcService, sYamlFunction, sYamlTrigger, type SYamlFcService } from '../../shared/s-yaml.ts';
