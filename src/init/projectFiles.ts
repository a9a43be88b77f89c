// The text of the files `mapsync init` writes besides the workflows: the example mapping file,
// mapsync.config.yaml and the .gitignore lines. Every file explains itself in comments, so an
// admin who reads only the repository knows what to change.
import { DEFAULT_CONFIG } from '../config.js';
import type { CrmName } from '../crm/index.js';

/** One example pair per CRM; each ID is valid under its CRM's rules (the Salesforce one carries its checksum). */
const EXAMPLE_ID: Record<CrmName, { id: string; about: string; where: string }> = {
  salesforce: {
    id: '0055e000001AbCdAAK',
    about: 'Salesforce User ID: 15 or 18 characters, prefix 005',
    where: 'the 18-character User ID (Setup > Users > the user; the address ends in it)',
  },
  dynamics: {
    id: '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
    about: 'Dynamics 365 systemuserid (a GUID)',
    where: 'the systemuserid (the id=... in the address of the user\'s record in Dynamics 365)',
  },
};

export const EXAMPLE_MAPPING_FILE = 'example.yaml';

/** mappings/example.yaml, with its modeline pointing at the installed package's schema. */
export function exampleMappingFile(crm: CrmName, schemaRef: string): string {
  const example = EXAMPLE_ID[crm];
  return `# yaml-language-server: $schema=${schemaRef}
# Mappings between ${crm === 'dynamics' ? 'Dynamics 365' : 'Salesforce'} users and Outreach users, kept by mapsync.
# Every *.yaml / *.yml file under this folder is read; one file per team or region is the
# usual style, and a user may appear in only one entry across all files.
# The entry below is an EXAMPLE: replace it with a real pair before you merge, using
# ${example.where}
# and the Outreach user id (Outreach: Settings > Users > the user).
# The schema on the first line gives editors completion and checks; \`npx mapsync validate\`
# checks the same rules and more (ID checksums, uniqueness across files).
mappings:
  - crmUserId: ${example.id} # ${example.about}
    outreachUserId: 42 # Outreach user id, a whole number >= 1
    name: Ada Lovelace # optional: who this is (shown in plans, checked against the user directories)
    email: ada@example.com # optional
    note: example entry, replace before merging # optional free text
`;
}

/** mapsync.config.yaml: the chosen crm and store, and every other setting as a comment with its default. */
export function configFile(crm: CrmName, store: string): string {
  const d = DEFAULT_CONFIG;
  return `# mapsync settings. Options on the command line (--store, --dir) override them.
# Which CRM the user IDs in mappings/ belong to: salesforce or dynamics.
crm: ${crm}
# Where the live mappings are kept:
#   file:PATH           a local JSON file: for trying mapsync out (plan and apply run without credentials)
#   salesforce          on the Salesforce User record (SF_* secrets)
#   outreach            on the Outreach user (OUTREACH_* secrets)
#   dynamics            on the Dynamics 365 systemuser row (DYNAMICS_* secrets)
#   plugin-share        the CRM plugin's own list, read from Outreach Data Sharing (SNOWFLAKE_* secrets);
#                       read-only: plans are the clicks to make in the plugin screen
#   plugin-export:PATH  the CRM plugin's own list, read from the users CSV Outreach exports; read-only too
store: ${store}

# The other settings, shown with their defaults; uncomment one to change it.
# mappingsDir: ${d.mappingsDir}             # the folder of mapping files
# stateDir: ${d.stateDir}                # apply's snapshots and audit journal (kept out of git)
# safety:
#   minExisting: ${d.safety.minExisting}              # the removal guard applies once the store holds this many mappings
#   maxRemovalFraction: ${d.safety.maxRemovalFraction}    # a plan removing more than this share needs apply --force
# salesforce:
#   field: ${d.salesforce.field}  # the User field the salesforce store keeps the Outreach user id in
# outreach:
#   field: ${d.outreach.field}              # the Outreach user field the outreach store keeps the CRM user ID in
# dynamics:
#   field: ${d.dynamics.field}   # the systemuser column the dynamics store keeps the Outreach user id in
# suggest:
#   addTo: ${d.suggest.addTo}   # where suggest --write puts new pairs
#   maxSuggestions: ${d.suggest.maxSuggestions}         # at most this many suggestions per run
`;
}

/** The lines .gitignore needs: local state never goes to git; the runtime comes from npm. */
export const GITIGNORE_LINES = ['.mapsync/', 'node_modules/'];
export const GITIGNORE_HEADER = '# mapsync: local state (live file store, snapshots, journal) and the installed tool';
