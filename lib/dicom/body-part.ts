/**
 * Body Part Examined (0018,0015) as a controlled vocabulary: the defined terms of DICOM CID 4031
 * "Common Anatomic Region" with the SNOMED CT code PS3.16 Annex L (Table L-1, "Correspondence of
 * Anatomic Region Codes and Body Part Examined Defined Terms") gives each one.
 *
 * The attribute is free text in practice (CS, but writers and users put anything there — one
 * upload carried a patient's name and birth date). Anything that is not one of these terms, after
 * normalising case, spaces and punctuation, maps to null: a value outside the vocabulary never
 * leaves the system through this module. Pure: no I/O.
 *
 * Where the terms and codes come from (checked by hand, 2026-12; a code is listed only where the
 * sources below agree):
 *   - the list of CID 4031 defined terms: dcmtk `dcmsr/libsrc/cmr/cid4031e.cc` ("mapping
 *     extracted manually from DICOM PS 3.16-2023b Table L-1");
 *   - the codes: two independent copies of the current PS3.16 Table L-1 (the body-part table in
 *     Hauke Bartsch's gdcm-based anonymizer, and the SPHN DICOM-to-SNOMED mapping that cites
 *     part16/chapter_L), which agree on every term below; 83 of the 97 also equal dcmtk's
 *     `cid4031.cc` (generated from PS3.16-2019b).
 *   The 10 that differ from dcmtk's 2019b file are codes DICOM has replaced since: CHEST
 *   51185008 → 43799004, ABDOMEN 113345001 → 818981001, ABDOMENPELVIS 416949008 → 818982008,
 *   PELVIS 12921003 → 816092008, HIP 29836001 → 24136001, CTSPINE 297171002 → 1217257000,
 *   LSSPINE 297173004 → 1217253001, TLSPINE 297172009 → 1217256009, PELVISLOWEXTREMT 416631005 →
 *   1231522001, PHANTOM (113681, DCM) → 706342009; BILIARYTRACT, COMMONBILEDUCT, PANCREAS and
 *   PANCREATICDUCT are newer than that file.
 */

export type BodyPart = {
  /** the DICOM defined term, e.g. "CHEST" */
  term: string;
  /** SNOMED CT concept id (coding scheme SCT) */
  snomed: string;
  /** the code meaning PS3.16 gives, e.g. "Chest" */
  meaning: string;
};

const b = (term: string, snomed: string, meaning: string): BodyPart => ({ term, snomed, meaning });

/** CID 4031 "Common Anatomic Region": defined term → SNOMED CT (PS3.16 Table L-1). */
export const BODY_PARTS: readonly BodyPart[] = [
  b("ABDOMEN", "818981001", "Abdomen"),
  b("ABDOMENPELVIS", "818982008", "Abdomen and Pelvis"),
  b("ACJOINT", "85856004", "Acromioclavicular joint"),
  b("ANKLE", "70258002", "Ankle joint"),
  b("BILEDUCT", "28273000", "Bile duct"),
  b("BILIARYTRACT", "34707002", "Biliary tract"),
  b("BLADDER", "89837001", "Bladder"),
  b("BREAST", "76752008", "Breast"),
  b("BRONCHUS", "955009", "Bronchus"),
  b("CALCANEUS", "80144004", "Calcaneus"),
  b("CSPINE", "122494005", "Cervical spine"),
  b("CTSPINE", "1217257000", "Cervico-thoracic spine"),
  b("CHEST", "43799004", "Chest"),
  b("CHESTABDOMEN", "416550000", "Chest and Abdomen"),
  b("CHESTABDPELVIS", "416775004", "Chest, Abdomen and Pelvis"),
  b("CLAVICLE", "51299004", "Clavicle"),
  b("COCCYX", "64688005", "Coccyx"),
  b("COLON", "71854001", "Colon"),
  b("COMMONBILEDUCT", "79741001", "Common bile duct"),
  b("DUODENUM", "38848004", "Duodenum"),
  b("ELBOW", "16953009", "Elbow joint"),
  b("WHOLEBODY", "38266002", "Entire body"),
  b("ESOPHAGUS", "32849002", "Esophagus"),
  b("EXTREMITY", "66019005", "Extremity"),
  b("EYE", "81745001", "Eye"),
  b("FEMUR", "71341001", "Femur"),
  b("FIBULA", "87342007", "Fibula"),
  b("FINGER", "7569003", "Finger"),
  b("FOOT", "56459004", "Foot"),
  b("FOREARM", "14975008", "Forearm"),
  b("GALLBLADDER", "28231008", "Gallbladder"),
  b("HAND", "85562004", "Hand"),
  b("HEAD", "69536005", "Head"),
  b("HEADNECK", "774007", "Head and Neck"),
  b("HEART", "80891009", "Heart"),
  b("HIP", "24136001", "Hip joint"),
  b("HUMERUS", "85050009", "Humerus"),
  b("ILEUM", "34516001", "Ileum"),
  b("ILIUM", "22356005", "Ilium"),
  b("IAC", "361078006", "Internal Auditory Canal"),
  b("JAW", "661005", "Jaw region"),
  b("JEJUNUM", "21306003", "Jejunum"),
  b("KNEE", "72696002", "Knee"),
  b("LARGEINTESTINE", "14742008", "Large intestine"),
  b("LARYNX", "4596009", "Larynx"),
  b("LOWERLEG", "30021000", "Lower leg"),
  b("LOWERLIMB", "61685007", "Lower limb"),
  b("LSPINE", "122496007", "Lumbar spine"),
  b("LSSPINE", "1217253001", "Lumbo-sacral spine"),
  b("MANDIBLE", "91609006", "Mandible"),
  b("MASTOID", "59066005", "Mastoid bone"),
  b("MAXILLA", "70925003", "Maxilla"),
  b("MEDIASTINUM", "72410000", "Mediastinum"),
  b("NECK", "45048000", "Neck"),
  b("NECKCHEST", "417437006", "Neck and Chest"),
  b("NECKCHESTABDOMEN", "416152001", "Neck, Chest and Abdomen"),
  b("NECKCHESTABDPELV", "416319003", "Neck, Chest, Abdomen and Pelvis"),
  b("OPTICCANAL", "55024004", "Optic canal"),
  b("ORBIT", "363654007", "Orbital structure"),
  b("PANCREAS", "15776009", "Pancreas"),
  b("PANCREATICDUCT", "69930009", "Pancreatic duct"),
  b("PANCBILEDUCT", "110621006", "Pancreatic duct and bile duct systems"),
  b("PAROTID", "45289007", "Parotid gland"),
  b("PATELLA", "64234005", "Patella"),
  b("PELVIS", "816092008", "Pelvis"),
  b("PELVISLOWEXTREMT", "1231522001", "Pelvis and lower extremities"),
  b("PHANTOM", "706342009", "Phantom"),
  b("PROSTATE", "41216001", "Prostate"),
  b("RECTUM", "34402009", "Rectum"),
  b("RIB", "113197003", "Rib"),
  b("SIJOINT", "39723000", "Sacroiliac joint"),
  b("SSPINE", "54735007", "Sacrum"),
  b("SCAPULA", "79601000", "Scapula"),
  b("SELLA", "42575006", "Sella turcica"),
  b("SESAMOID", "58742003", "Sesamoid bones of foot"),
  b("SHOULDER", "16982005", "Shoulder"),
  b("SKULL", "89546000", "Skull"),
  b("SMALLINTESTINE", "30315005", "Small intestine"),
  b("SPINE", "421060004", "Spine"),
  b("SCJOINT", "7844006", "Sternoclavicular joint"),
  b("STERNUM", "56873002", "Sternum"),
  b("STOMACH", "69695003", "Stomach"),
  b("SUBMANDIBULAR", "54019009", "Submandibular gland"),
  b("TMJ", "53620006", "Temporomandibular joint"),
  b("THIGH", "68367000", "Thigh"),
  b("TSPINE", "122495006", "Thoracic spine"),
  b("TLSPINE", "1217256009", "Thoraco-lumbar spine"),
  b("THUMB", "76505004", "Thumb"),
  b("TOE", "29707007", "Toe"),
  b("TRACHEA", "44567001", "Trachea"),
  b("UPPERARM", "40983000", "Upper arm"),
  b("UPPERLIMB", "53120007", "Upper limb"),
  b("UPRURINARYTRACT", "431491007", "Upper urinary tract"),
  b("URETER", "87953007", "Ureter"),
  b("URETHRA", "13648007", "Urethra"),
  b("WRIST", "74670003", "Wrist joint"),
  b("ZYGOMA", "13881006", "Zygoma"),
];

/**
 * Other spellings accepted, each unambiguous: THORAX is the Table L-1 term with the same SNOMED
 * code as CHEST (43799004), ENTIRE BODY / WHOLE BODY are WHOLEBODY's meaning. Code meanings are
 * accepted as well (below), so "Head and Neck" → HEADNECK, "Sacrum" → SSPINE.
 */
const SYNONYMS: Record<string, string> = {
  THORAX: "CHEST",
};

/** Upper case, letters and digits only: "Head and Neck" → "HEADANDNECK", " chest " → "CHEST". */
export function bodyPartKey(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, "");
}

const BY_KEY: ReadonlyMap<string, BodyPart> = (() => {
  const byTerm = new Map(BODY_PARTS.map((p) => [p.term, p]));
  const m = new Map<string, BodyPart>();
  const add = (key: string, p: BodyPart) => {
    const had = m.get(key);
    if (had && had !== p) throw new Error(`body part key ${key} is ambiguous: ${had.term} / ${p.term}`);
    m.set(key, p);
  };
  for (const p of BODY_PARTS) add(bodyPartKey(p.term), p);
  for (const p of BODY_PARTS) add(bodyPartKey(p.meaning), p);
  for (const [k, term] of Object.entries(SYNONYMS)) add(bodyPartKey(k), byTerm.get(term)!);
  return m;
})();

/** Longest accepted input, in characters (CS is 16; meanings are longer). Longer text is not a body part. */
const MAX_INPUT = 64;

/**
 * The controlled body part for a free-text value, or null when it is not one (then nothing of the
 * value may be used). Accepts the defined term ("CHEST"), its code meaning ("Chest") and the
 * synonyms above, in any case, with any spaces or punctuation.
 */
export function bodyPartOf(value: string | null | undefined): BodyPart | null {
  if (typeof value !== "string" || !value.trim() || value.length > MAX_INPUT) return null;
  return BY_KEY.get(bodyPartKey(value)) ?? null;
}
