import { declareEvent } from "../report/index.js";

/** A host trusted through a @cert-authority line: OpenSSH checked its certificate. */
export const hostCertificateAccepted = declareEvent<{
  host: string;
  name: string;
  fingerprint: string;
  id: string;
  ca: string;
}>({
  code: "ssh.host_certificate_accepted",
  level: "debug",
  description:
    "A host key accepted because OpenSSH verified the host's certificate against a @cert-authority line of known_hosts.",
});
