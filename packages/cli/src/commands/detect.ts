import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { TokenWardenError } from '@tokenwarden/core';
import {
  type AlertOutputFormat,
  createAlertFormatter,
  createDetectionEngine,
  createEnricher,
  createIpIntel,
  type DetectionConfig,
  INPUT_FORMATS,
  type InputFormatOption,
  type NginxCredentialSource,
  parseDetectionConfig,
  runDetectionPipeline,
} from '@tokenwarden/detection';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { parseDuration, runAction } from '../command-kit.js';
import { IssuePrinter } from '../detect/issue-printer.js';
import { EXIT } from '../exit-codes.js';
import { printError } from '../output.js';
import type { CommandModule } from '../program.js';
import { createProgress } from '../progress.js';

interface DetectOptions {
  inputFormat: InputFormatOption;
  output: AlertOutputFormat;
  geoip?: string;
  asn?: string;
  torExits?: string;
  nginxCredential: NginxCredentialSource;
  lateTolerance: string;
  quiet?: boolean;
  json?: boolean;
  config?: string;
  maxIssues: number;
}

// Below this many bytes of input a progress bar is only noise.
const PROGRESS_MIN_BYTES = 32 * 1024 * 1024;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function parseNginxCredential(value: string): NginxCredentialSource {
  if (value === 'auto' || value === 'remote_user' || /^field:[1-9]\d*$/.test(value) || /^query:[A-Za-z0-9_.-]+$/.test(value)) {
    return value as NginxCredentialSource;
  }
  throw new InvalidArgumentError('expected auto, remote_user, field:N or query:NAME');
}

function parseMaxIssues(value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw new InvalidArgumentError(`expected a whole number of records (0 shows all), got "${value}"`);
  return Number(value);
}

async function detectionConfigFrom(file: string | undefined): Promise<DetectionConfig> {
  if (file === undefined) return parseDetectionConfig({});
  // Loaded on demand: the config schemas cost start-up time a plain `detect` does not need.
  const { configFrom } = await import('../config-from.js');
  return parseDetectionConfig(configFrom({ config: file }).detection ?? {});
}

async function writeLine(line: string): Promise<void> {
  if (!process.stdout.write(`${line}\n`)) await once(process.stdout, 'drain');
}

/**
 * `tokenwarden detect [PATH...]`: runs the detection engine over log files, directories, `.gz`
 * files or stdin and prints one alert per line (native JSON or OCSF Detection Finding). Bad
 * records are reported on stderr as `file:line: reason` and skipped; exit 0 even with alerts,
 * 2 when a PATH cannot be read (the readable ones are still processed).
 *
 * @example
 * ```sh
 * tokenwarden detect trail/ okta.json --output ocsf > findings.jsonl
 * zcat access.log.gz | tokenwarden detect --input-format nginx --nginx-credential field:1
 * ```
 */
export const registerDetect: CommandModule = (program: Command) => {
  program
    .command('detect')
    .description('detect stolen-token use in logs (CloudTrail, OCSF, Okta, nginx/Apache, native JSON lines); alerts on stdout')
    .argument('[paths...]', 'files, directories (recursed), .gz files, or - for stdin (default stdin)')
    .addOption(
      new Option('--input-format <format>', 'input format (auto recognises each record)')
        .choices(['auto', ...INPUT_FORMATS])
        .default('auto'),
    )
    .addOption(new Option('--output <format>', 'alert format').choices(['native', 'ocsf']).default('native'))
    .option('--geoip <file>', 'city database (.mmdb, MaxMind GeoLite2/GeoIP2 City or DB-IP layout); default DB-IP Lite')
    .option('--asn <file>', 'ASN database (.mmdb GeoLite2-ASN layout, or CSV start,end,asn,org); default @ip-location-db/asn')
    .option('--tor-exits <file>', 'Tor exit addresses, one per line (or the Tor Project exit list format)')
    .option(
      '--nginx-credential <source>',
      'credential in nginx/Apache lines: auto, remote_user, field:N, query:NAME',
      parseNginxCredential,
      'auto',
    )
    // CloudTrail writes most records within 5 minutes of the call but only promises 15, and its files are not sorted.
    .option('--late-tolerance <duration>', 'how late an event may arrive and still be put in event-time order', '15m')
    .option('--config <file>', 'config file (JSON or YAML); its detection section sets detector thresholds')
    .option('--max-issues <n>', 'skipped records shown per input (the rest are counted); 0 shows all', parseMaxIssues, 100)
    .option('-q, --quiet', 'no progress bar and no end-of-run summary on stderr')
    // stdout is JSON lines whatever the flag; like every command that prints data, `--json` makes the rest JSON too.
    .option('--json', 'alerts are always JSON lines on stdout; this also writes the end-of-run summary as JSON on stderr')
    .action(
      runAction(async (paths: string[], opts: DetectOptions) => {
        const lateToleranceMs = parseDuration(opts.lateTolerance);
        // Checked before any input is read: a misspelt threshold stops the run with its name.
        const detection = await detectionConfigFrom(opts.config);
        // `detect ... | head` closes stdout early: that is the reader's choice, not an error.
        process.stdout.on('error', (e: NodeJS.ErrnoException) => {
          if (e.code === 'EPIPE') process.exit(EXIT.OK);
          throw e;
        });
        const ipIntel = createIpIntel({
          geoipPath: opts.geoip,
          asnPath: opts.asn,
          torExitsPath: opts.torExits,
          onWarning: (m) => process.stderr.write(`warning: ${m}\n`),
        });
        const format = createAlertFormatter(opts.output, { version: version() });
        const progress = createProgress(opts.quiet);
        let started = false;
        const issues = new IssuePrinter(opts.maxIssues, (text) => process.stderr.write(text));
        const summary = await runDetectionPipeline(paths, {
          engine: createDetectionEngine(detection),
          enrich: createEnricher({ ipIntel }),
          inputFormat: opts.inputFormat,
          nginx: { credentialFrom: opts.nginxCredential },
          lateToleranceMs,
          onAlert: (alert) => writeLine(format(alert)),
          onIssue: (i) => issues.print(i),
          onUnreadable: (_path, error) => printError(error, false),
          onProgress: (read, total) => {
            if (!started && total >= PROGRESS_MIN_BYTES) {
              progress.start(total, 'detect');
              started = true;
            }
            if (started) progress.update(read);
          },
        });
        progress.stop();
        issues.finish();
        if (opts.json === true && !opts.quiet) {
          const { events, inputs, alerts, issues: skipped, ignored, late, unreadable } = summary;
          process.stderr.write(`${JSON.stringify({ events, inputs, alerts, skipped, without_credential: ignored, late, unreadable })}\n`);
        } else if (!opts.quiet) {
          process.stderr.write(
            `detect: ${summary.events} events from ${summary.inputs} input(s), ${summary.alerts} alert(s), ` +
              `${summary.issues} record(s) skipped, ${summary.ignored} without a credential, ${summary.late} late\n`,
          );
        }
        if (summary.unreadable > 0) {
          throw new TokenWardenError('TW_INPUT_UNREADABLE', `${summary.unreadable} input(s) could not be read`, {
            hint: 'the readable inputs were processed; fix the paths above and rerun for the rest',
          });
        }
        return EXIT.OK;
      }),
    );
};
