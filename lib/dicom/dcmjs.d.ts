// Minimal typings for the parts of dcmjs 0.52 this layer uses (the package ships none).
declare module "dcmjs" {
  export interface DictionaryEntry {
    tag: string;
    vr: string;
    vm: string;
    name: string;
    version?: string;
  }
  export interface DicomElement {
    vr: string;
    Value?: unknown[];
    InlineBinary?: string;
    BulkDataURI?: string;
  }
  export type DicomJsonDataset = Record<string, DicomElement>;
  export class DicomDict {
    constructor(meta: DicomJsonDataset);
    meta: DicomJsonDataset;
    dict: DicomJsonDataset;
    write(options?: { allowInvalidVRLength?: boolean; fragmentMultiframe?: boolean }): ArrayBuffer;
  }
  export const data: {
    DicomMessage: {
      readFile(buffer: ArrayBuffer, options?: { ignoreErrors?: boolean; untilTag?: string; includeUntilTagValue?: boolean; noCopy?: boolean; forceStoreRaw?: boolean }): DicomDict;
    };
    DicomDict: typeof DicomDict;
    DicomMetaDictionary: {
      dictionary: Record<string, DictionaryEntry>;
      nameMap: Record<string, DictionaryEntry>;
      naturalizeDataset(ds: DicomJsonDataset): Record<string, unknown>;
      denaturalizeDataset(ds: Record<string, unknown>): DicomJsonDataset;
      uid(): string;
    };
  };
  const dcmjs: { data: typeof data };
  export default dcmjs;
}
