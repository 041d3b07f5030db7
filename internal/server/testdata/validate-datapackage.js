// Validates a Frictionless Data Package served by a running portal, and the data of every
// resource it describes, with the Frictionless JavaScript libraries pinned in web/package.json
// (datapackage for the descriptor, tableschema for the tables). Run by TestDataPackageValidates
// with NODE_PATH set to web/node_modules:
//
//   node validate-datapackage.js http://127.0.0.1:8080/datapackage.json
//
// It prints one JSON object: {"errors": [...], "rows": {"<resource>": <rows read>, ...}}, and
// exits 0 whatever it found, so that the test reports every error.
//
// tableschema reads CSV with csv-parse, whose option to skip a UTF-8 byte order mark is off by
// default, and datapackage passes it no such option: the portal's CSV files begin with one, as
// Excel needs, so the tables are read with bom: true, as Python's frictionless and every
// spreadsheet read them.
'use strict';

const { Package } = require('datapackage');
const { Table } = require('tableschema');

async function main(url) {
  const errors = [];
  const rows = {};
  const pkg = await Package.load(url, { strict: false });
  if (!pkg.valid) {
    for (const e of pkg.errors) errors.push(`package: ${e.message}`);
  }
  if (pkg.descriptor.profile !== 'tabular-data-package') {
    errors.push(`package: profile is ${pkg.descriptor.profile}, not tabular-data-package`);
  }
  if (!pkg.resources.length) errors.push('package: no resources');

  // Each table, keyed rows kept for the foreign keys that refer to it.
  const keyed = {};
  const order = [...pkg.resources].sort((a, b) => (a.schema.foreignKeys || []).length - (b.schema.foreignKeys || []).length);
  for (const resource of order) {
    const name = resource.name;
    if (!resource.valid) {
      for (const e of resource.errors) errors.push(`${name}: ${e.message}`);
      continue;
    }
    if (!resource.tabular) {
      errors.push(`${name}: not a tabular resource`);
      continue;
    }
    const d = resource.descriptor;
    const table = await Table.load(resource.source, {
      schema: d.schema, encoding: d.encoding, delimiter: d.dialect.delimiter, quote: d.dialect.quoteChar, bom: true,
    });
    const relations = {};
    for (const fk of table.schema.foreignKeys) {
      const ref = fk.reference.resource;
      if (!keyed[ref]) errors.push(`${name}: foreign key to ${ref}, which was not read`);
      else relations[ref] = keyed[ref];
    }
    let read;
    try {
      read = await table.read({ keyed: true, forceCast: true, relations: Object.keys(relations).length ? relations : false });
    } catch (e) {
      errors.push(`${name}: ${e.message}`);
      continue;
    }
    const headers = table.headers || [];
    if (headers.join(',') !== table.schema.fieldNames.join(',')) {
      errors.push(`${name}: header ${JSON.stringify(headers)} is not the schema's fields ${JSON.stringify(table.schema.fieldNames)}`);
    }
    rows[name] = 0;
    const good = [];
    for (const row of read) {
      if (row instanceof Error) {
        const detail = (row.errors || []).map((e) => e.message).join('; ');
        errors.push(`${name} row ${row.rowNumber}: ${row.message}${detail ? ': ' + detail : ''}`);
        if (errors.length > 200) break;
      } else {
        good.push(row);
      }
      rows[name]++;
    }
    keyed[name] = good;
  }
  return { errors, rows };
}

main(process.argv[2]).then(
  (result) => process.stdout.write(JSON.stringify(result) + '\n'),
  (e) => process.stdout.write(JSON.stringify({ errors: [`validator: ${e.stack || e}`], rows: {} }) + '\n'),
);
