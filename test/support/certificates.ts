import { execFileSync } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * A test CA and a relay certificate it signed for 127.0.0.1 and localhost, made with `openssl` in `dir`: the paths of
 * the relay's certificate and key, and of the CA certificate clients are told to trust.
 */
export async function makeCertificates (dir: string): Promise<{ cert: string, key: string, ca: string }> {
  const run = (args: string[]): void => { execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' }) }
  run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=ipfs-kit test CA', '-keyout', 'ca.key', '-out', 'ca.pem'])
  run(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', 'relay.key', '-out', 'relay.csr'])
  await writeFile(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n')
  run(['x509', '-req', '-in', 'relay.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'ext.cnf', '-out', 'relay.pem'])
  return { cert: join(dir, 'relay.pem'), key: join(dir, 'relay.key'), ca: join(dir, 'ca.pem') }
}
