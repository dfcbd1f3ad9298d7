// Writes the sample statements of docs/samples (README.md): npx ts-node docs/samples/make-samples.ts
import iconv from 'iconv-lite';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const crlf = (text: string): string => text.replace(/\n/g, '\r\n');
const write = (name: string, bytes: Buffer | string): void => writeFileSync(join(__dirname, name), bytes);

write(
  'releve-octobre-2026-debit-credit-windows1252.csv',
  iconv.encode(
    crlf(`Relevé de compte courant;;;
Coopérative scolaire École Jules Ferry - OCCE 14;;;
Compte n° 00012345678 - IBAN FR76 3000 3012 3400 0123 4567 890;;;
;;;
Date;Libellé;Débit;Crédit
25/09/2026;CHEQUE N° 1569002;150,00;
10/10/2026;REMISE CHEQUES PHOTOS SCOLAIRES;;320,00
28/10/2026;CHEQUE N° 1569003;320,00;
Solde créditeur au 31/10/2026;;;1 606,50
`),
    'windows-1252',
  ),
);
write(
  'releve-octobre-2026-montant-signe-utf8.csv',
  `\uFEFFDate opération;Date valeur;Libellé;Montant
25/09/2026;25/09/2026;CHEQUE 1569002;-150,00
10/10/2026;11/10/2026;REMISE DE CHEQUES PHOTOS;+320,00
28/10/2026;28/10/2026;CHEQUE 1569003;-320,00
Solde au 31/10/2026;;;1 606,50
`,
);
const trn = (type: string, date: string, amount: string, fitid: string, name: string, checknum?: string) =>
  `<STMTTRN>\n<TRNTYPE>${type}\n<DTPOSTED>${date}\n<TRNAMT>${amount}\n<FITID>${fitid}\n${checknum ? `<CHECKNUM>${checknum}\n` : ''}<NAME>${name}\n</STMTTRN>`;
write(
  'releve-octobre-2026-ofx1.ofx',
  iconv.encode(
    crlf(`OFXHEADER:100
DATA:OFXSGML
VERSION:102
SECURITY:NONE
ENCODING:USASCII
CHARSET:1252
COMPRESSION:NONE
OLDFILEUID:NONE
NEWFILEUID:NONE

<OFX>
<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20261101<LANGUAGE>FRA</SONRS></SIGNONMSGSRSV1>
<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>
<STMTRS><CURDEF>EUR
<BANKACCTFROM><BANKID>30003<BRANCHID>01234<ACCTID>00012345678<ACCTTYPE>CHECKING</BANKACCTFROM>
<BANKTRANLIST><DTSTART>20260901<DTEND>20261031
${trn('CHECK', '20260925', '-150.00', 'OFX-20260925-1', 'CHEQUE 1569002', '1569002')}
${trn('DEP', '20261010', '320.00', 'OFX-20261010-1', 'REMISE CHÈQUES PHOTOS')}
${trn('CHECK', '20261028', '-320.00', 'OFX-20261028-1', 'CHEQUE 1569003', '1569003')}
</BANKTRANLIST>
<LEDGERBAL><BALAMT>1606.50<DTASOF>20261031</LEDGERBAL>
</STMTRS></STMTTRNRS></BANKMSGSRSV1>
</OFX>
`),
    'windows-1252',
  ),
);
const xtrn = (type: string, date: string, amount: string, fitid: string, name: string, checknum?: string) =>
  `        <STMTTRN><TRNTYPE>${type}</TRNTYPE><DTPOSTED>${date}</DTPOSTED><TRNAMT>${amount}</TRNAMT><FITID>${fitid}</FITID>${checknum ? `<CHECKNUM>${checknum}</CHECKNUM>` : ''}<NAME>${name}</NAME></STMTTRN>`;
write(
  'releve-octobre-2026-ofx2.ofx',
  `<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<?OFX OFXHEADER="200" VERSION="220" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>
<OFX>
  <SIGNONMSGSRSV1><SONRS><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS><DTSERVER>20261101</DTSERVER><LANGUAGE>FRA</LANGUAGE></SONRS></SIGNONMSGSRSV1>
  <BANKMSGSRSV1><STMTTRNRS><TRNUID>1</TRNUID><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>
    <STMTRS><CURDEF>EUR</CURDEF>
      <BANKACCTFROM><BANKID>30003</BANKID><ACCTID>00012345678</ACCTID><ACCTTYPE>CHECKING</ACCTTYPE></BANKACCTFROM>
      <BANKTRANLIST><DTSTART>20260901</DTSTART><DTEND>20261031</DTEND>
${xtrn('CHECK', '20260925', '-150.00', 'X-20260925-1', 'CHEQUE 1569002', '1569002')}
${xtrn('DEP', '20261010', '320.00', 'X-20261010-1', 'REMISE CHÈQUES PHOTOS')}
${xtrn('CHECK', '20261028', '-320.00', 'X-20261028-1', 'CHEQUE 1569003', '1569003')}
      </BANKTRANLIST>
      <LEDGERBAL><BALAMT>1606.50</BALAMT><DTASOF>20261031</DTASOF></LEDGERBAL>
    </STMTRS>
  </STMTTRNRS></BANKMSGSRSV1>
</OFX>
`,
);
const ntry = (amount: string, indicator: 'CRDT' | 'DBIT', date: string, ref: string, text: string, cheque?: string) => `      <Ntry>
        <Amt Ccy="EUR">${amount}</Amt><CdtDbtInd>${indicator}</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><Dt>${date}</Dt></BookgDt><AcctSvcrRef>${ref}</AcctSvcrRef>
        <NtryDtls><TxDtls>${cheque ? `<Refs><ChqNb>${cheque}</ChqNb></Refs>` : ''}<RmtInf><Ustrd>${text}</Ustrd></RmtInf></TxDtls></NtryDtls>
      </Ntry>`;
write(
  'releve-octobre-2026-camt053.xml',
  `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>C14001-2026-10</MsgId><CreDtTm>2026-11-01T06:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>2026-09</Id>
      <Acct><Id><IBAN>FR7630003012340001234567890</IBAN></Id></Acct>
      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1606.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-09-30</Dt></Dt></Bal>
${ntry('150.00', 'DBIT', '2026-09-25', 'C-20260925-1', 'CHEQUE 1569002', '1569002')}
    </Stmt>
    <Stmt>
      <Id>2026-10</Id>
      <Acct><Id><IBAN>FR7630003012340001234567890</IBAN></Id></Acct>
      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1606.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-10-31</Dt></Dt></Bal>
${ntry('320.00', 'CRDT', '2026-10-10', 'C-20261010-1', 'REMISE CHEQUES PHOTOS SCOLAIRES')}
${ntry('320.00', 'DBIT', '2026-10-28', 'C-20261028-1', 'CHEQUE 1569003', '1569003')}
    </Stmt>
  </BkToCstmrStmt>
</Document>
`,
);
