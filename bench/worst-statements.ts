import { MAX_ATTACHMENT_SIZE } from '../src/domain/ledger';
import { STATEMENT_LIMITS } from '../src/domain/statements';

/**
 * The largest bank files the importer accepts, one per format: as many operations as
 * STATEMENT_LIMITS allows, labels padded until the file is just under the upload limit. The
 * bench times them; the tests check they are read, in bounded time.
 */
export type WorstFormat = 'csv' | 'ofx1' | 'ofx2' | 'camt053';

const day = (i: number): string => `2025-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
const compact = (iso: string): string => iso.replace(/-/g, '');
const french = (iso: string): string => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
const euros = (cents: number): string => `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, '0')}`;

function operation(format: WorstFormat, i: number, label: string): string {
  const amount = (i % 2 ? -1 : 1) * (100 + ((i * 7919) % 90000));
  const date = day(i);
  switch (format) {
    case 'csv':
      return `${french(date)};${label} ${i};${euros(amount).replace('.', ',')}\r\n`;
    case 'ofx1':
      return `<STMTTRN>\r\n<TRNTYPE>OTHER\r\n<DTPOSTED>${compact(date)}\r\n<TRNAMT>${euros(amount)}\r\n<FITID>F${i}\r\n<NAME>${label} ${i}\r\n</STMTTRN>\r\n`;
    case 'ofx2':
      return `<STMTTRN><TRNTYPE>OTHER</TRNTYPE><DTPOSTED>${compact(date)}</DTPOSTED><TRNAMT>${euros(amount)}</TRNAMT><FITID>F${i}</FITID><NAME>${label} ${i}</NAME></STMTTRN>\n`;
    case 'camt053':
      return `<Ntry><Amt Ccy="EUR">${euros(Math.abs(amount))}</Amt><CdtDbtInd>${amount < 0 ? 'DBIT' : 'CRDT'}</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>${date}</Dt></BookgDt><AcctSvcrRef>R${i}</AcctSvcrRef><AddtlNtryInf>${label} ${i}</AddtlNtryInf></Ntry>\n`;
  }
}

const HEAD: Record<WorstFormat, string> = {
  csv: 'Date;Libellé;Montant\r\n',
  ofx1: 'OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nCHARSET:1252\r\n\r\n<OFX>\r\n<BANKMSGSRSV1>\r\n<STMTTRNRS>\r\n<STMTRS>\r\n<CURDEF>EUR\r\n<BANKTRANLIST>\r\n',
  ofx2: '<?xml version="1.0" encoding="UTF-8"?>\n<?OFX OFXHEADER="200" VERSION="220"?>\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>EUR</CURDEF><BANKTRANLIST>\n',
  camt053: '<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Id>S1</Id>\n',
};
const TAIL: Record<WorstFormat, string> = {
  csv: 'Solde au 31/08/2025;;1 000,00\r\n',
  ofx1: '</BANKTRANLIST>\r\n<LEDGERBAL>\r\n<BALAMT>1000.00\r\n<DTASOF>20250831\r\n</LEDGERBAL>\r\n</STMTRS>\r\n</STMTTRNRS>\r\n</BANKMSGSRSV1>\r\n</OFX>\r\n',
  ofx2: '</BANKTRANLIST><LEDGERBAL><BALAMT>1000.00</BALAMT><DTASOF>20250831</DTASOF></LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n',
  camt053:
    '<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-08-31</Dt></Dt></Bal></Stmt></BkToCstmrStmt></Document>\n',
};

/** The worst accepted file of a format: STATEMENT_LIMITS.operations operations, just under the upload limit. */
export function worstStatement(format: WorstFormat, operations: number = STATEMENT_LIMITS.operations): Buffer {
  const room = MAX_ATTACHMENT_SIZE - 4096 - HEAD[format].length - TAIL[format].length;
  const bare = operation(format, operations, 'PAIEMENT').length;
  const pad = Math.max(0, Math.min(280, Math.floor(room / operations) - bare - 8));
  const label = `PAIEMENT ${'X'.repeat(pad)}`;
  let body = HEAD[format];
  for (let i = 0; i < operations; i++) body += operation(format, i, label);
  return Buffer.from(body + TAIL[format], 'utf8');
}
