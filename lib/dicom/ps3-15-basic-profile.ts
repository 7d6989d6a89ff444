/**
 * DICOM PS3.15 Annex E, Table E.1-1 — Basic Application Level Confidentiality Profile: the action
 * for each attribute.
 *
 * A representative subset: every attribute of this table that the modalities we see (CT, MR, CR/DX,
 * NM, US, SC, SEG, RT, SR) commonly write — patient identity and characteristics, physicians and
 * operators, institution and device, study/series/request identifiers, dates and times, free-text
 * descriptions and comments, and all instance / reference UIDs. Where the standard offers a choice
 * (e.g. "X/Z/D"), we take Z for attributes that are Type 2 in common IODs (they must stay present,
 * empty) and X otherwise. The profile's rules beyond the table (private attributes, any other
 * Person Name, overlays, curves) matter only to a whole-file de-identifier; the research export
 * (lib/export/dicom-profile.ts) keeps a technical allow-list whose values must also be kept here,
 * and treats private groups as removed.
 *
 * Actions: D replace with a dummy value (the pseudonym), Z zero-length, X remove, U replace UID
 * with a consistent hashed UID, K keep.
 */
export type ProfileAction = "D" | "Z" | "X" | "U" | "K";

export interface ProfileRule {
  /** 8 hex digits, upper case, no punctuation: "00100010". */
  tag: string;
  keyword: string;
  action: ProfileAction;
}

const r = (tag: string, keyword: string, action: ProfileAction): ProfileRule => ({ tag, keyword, action });

export const BASIC_PROFILE: readonly ProfileRule[] = [
  // File meta
  r("00020003", "MediaStorageSOPInstanceUID", "U"),
  // Identification, dates and times
  r("00080012", "InstanceCreationDate", "X"),
  r("00080013", "InstanceCreationTime", "X"),
  r("00080014", "InstanceCreatorUID", "U"),
  r("00080018", "SOPInstanceUID", "U"),
  r("00080020", "StudyDate", "Z"),
  r("00080021", "SeriesDate", "X"),
  r("00080022", "AcquisitionDate", "X"),
  r("00080023", "ContentDate", "Z"),
  r("00080024", "OverlayDate", "X"),
  r("00080025", "CurveDate", "X"),
  r("0008002A", "AcquisitionDateTime", "X"),
  r("00080030", "StudyTime", "Z"),
  r("00080031", "SeriesTime", "X"),
  r("00080032", "AcquisitionTime", "X"),
  r("00080033", "ContentTime", "Z"),
  r("00080034", "OverlayTime", "X"),
  r("00080035", "CurveTime", "X"),
  r("00080050", "AccessionNumber", "Z"),
  r("00080058", "FailedSOPInstanceUIDList", "U"),
  r("00080080", "InstitutionName", "X"),
  r("00080081", "InstitutionAddress", "X"),
  r("00080082", "InstitutionCodeSequence", "X"),
  r("00080090", "ReferringPhysicianName", "Z"),
  r("00080092", "ReferringPhysicianAddress", "X"),
  r("00080094", "ReferringPhysicianTelephoneNumbers", "X"),
  r("00080096", "ReferringPhysicianIdentificationSequence", "X"),
  r("00080201", "TimezoneOffsetFromUTC", "X"),
  r("00081010", "StationName", "X"),
  r("00081030", "StudyDescription", "X"),
  r("0008103E", "SeriesDescription", "X"),
  r("00081040", "InstitutionalDepartmentName", "X"),
  r("00081048", "PhysiciansOfRecord", "X"),
  r("00081049", "PhysiciansOfRecordIdentificationSequence", "X"),
  r("00081050", "PerformingPhysicianName", "X"),
  r("00081052", "PerformingPhysicianIdentificationSequence", "X"),
  r("00081060", "NameOfPhysiciansReadingStudy", "X"),
  r("00081062", "PhysiciansReadingStudyIdentificationSequence", "X"),
  r("00081070", "OperatorsName", "X"),
  r("00081072", "OperatorIdentificationSequence", "X"),
  r("00081080", "AdmittingDiagnosesDescription", "X"),
  r("00081084", "AdmittingDiagnosesCodeSequence", "X"),
  r("00081110", "ReferencedStudySequence", "X"),
  r("00081111", "ReferencedPerformedProcedureStepSequence", "X"),
  r("00081120", "ReferencedPatientSequence", "X"),
  r("00081155", "ReferencedSOPInstanceUID", "U"),
  r("00081195", "TransactionUID", "U"),
  r("00082111", "DerivationDescription", "X"),
  r("00083010", "IrradiationEventUID", "U"),
  r("00084000", "IdentifyingComments", "X"),
  // Patient
  r("00100010", "PatientName", "D"),
  r("00100020", "PatientID", "D"),
  r("00100021", "IssuerOfPatientID", "X"),
  r("00100030", "PatientBirthDate", "Z"),
  r("00100032", "PatientBirthTime", "X"),
  r("00100040", "PatientSex", "Z"),
  r("00100050", "PatientInsurancePlanCodeSequence", "X"),
  r("00100101", "PatientPrimaryLanguageCodeSequence", "X"),
  r("00101000", "OtherPatientIDs", "X"),
  r("00101001", "OtherPatientNames", "X"),
  r("00101002", "OtherPatientIDsSequence", "X"),
  r("00101005", "PatientBirthName", "X"),
  r("00101010", "PatientAge", "X"),
  r("00101020", "PatientSize", "X"),
  r("00101030", "PatientWeight", "X"),
  r("00101040", "PatientAddress", "X"),
  r("00101050", "InsurancePlanIdentification", "X"),
  r("00101060", "PatientMotherBirthName", "X"),
  r("00101080", "MilitaryRank", "X"),
  r("00101081", "BranchOfService", "X"),
  r("00101090", "MedicalRecordLocator", "X"),
  r("00102000", "MedicalAlerts", "X"),
  r("00102110", "Allergies", "X"),
  r("00102150", "CountryOfResidence", "X"),
  r("00102152", "RegionOfResidence", "X"),
  r("00102154", "PatientTelephoneNumbers", "X"),
  r("00102160", "EthnicGroup", "X"),
  r("00102180", "Occupation", "X"),
  r("001021A0", "SmokingStatus", "X"),
  r("001021B0", "AdditionalPatientHistory", "X"),
  r("001021C0", "PregnancyStatus", "X"),
  r("001021D0", "LastMenstrualDate", "X"),
  r("001021F0", "PatientReligiousPreference", "X"),
  r("00102203", "PatientSexNeutered", "X"),
  r("00104000", "PatientComments", "X"),
  // Clinical trial
  r("00120062", "PatientIdentityRemoved", "K"),
  // Acquisition / device
  r("00181000", "DeviceSerialNumber", "X"),
  r("00181002", "DeviceUID", "U"),
  r("00181004", "PlateID", "X"),
  r("00181005", "GeneratorID", "X"),
  r("00181007", "CassetteID", "X"),
  r("00181008", "GantryID", "X"),
  r("00181030", "ProtocolName", "X"),
  r("00181400", "AcquisitionDeviceProcessingDescription", "X"),
  r("00184000", "AcquisitionComments", "X"),
  r("0018700A", "DetectorID", "X"),
  r("00189424", "AcquisitionProtocolDescription", "X"),
  r("0018A003", "ContributionDescription", "X"),
  // Study / series / frame of reference
  r("0020000D", "StudyInstanceUID", "U"),
  r("0020000E", "SeriesInstanceUID", "U"),
  r("00200010", "StudyID", "Z"),
  r("00200052", "FrameOfReferenceUID", "U"),
  r("00200200", "SynchronizationFrameOfReferenceUID", "U"),
  r("00203401", "ModifyingDeviceID", "X"),
  r("00203404", "ModifyingDeviceManufacturer", "X"),
  r("00203406", "ModifiedImageDescription", "X"),
  r("00204000", "ImageComments", "X"),
  r("00209158", "FrameComments", "X"),
  r("00209161", "ConcatenationUID", "U"),
  r("00209164", "DimensionOrganizationUID", "U"),
  r("00281199", "PaletteColorLookupTableUID", "U"),
  r("00281214", "LargePaletteColorLookupTableUID", "U"),
  r("00284000", "ImagePresentationComments", "X"),
  // Requests, procedure steps, visits
  r("00321032", "RequestingPhysician", "X"),
  r("00321033", "RequestingService", "X"),
  r("00321060", "RequestedProcedureDescription", "X"),
  r("00324000", "StudyComments", "X"),
  r("00380010", "AdmissionID", "X"),
  r("00380300", "CurrentPatientLocation", "X"),
  r("00380400", "PatientInstitutionResidence", "X"),
  r("00384000", "VisitComments", "X"),
  r("00400006", "ScheduledPerformingPhysicianName", "X"),
  r("00400241", "PerformedStationAETitle", "X"),
  r("00400242", "PerformedStationName", "X"),
  r("00400243", "PerformedLocation", "X"),
  r("00400244", "PerformedProcedureStepStartDate", "X"),
  r("00400245", "PerformedProcedureStepStartTime", "X"),
  r("00400250", "PerformedProcedureStepEndDate", "X"),
  r("00400251", "PerformedProcedureStepEndTime", "X"),
  r("00400253", "PerformedProcedureStepID", "X"),
  r("00400254", "PerformedProcedureStepDescription", "X"),
  r("00400275", "RequestAttributesSequence", "X"),
  r("00400280", "CommentsOnThePerformedProcedureStep", "X"),
  r("00401001", "RequestedProcedureID", "X"),
  r("00402016", "PlacerOrderNumberImagingServiceRequest", "Z"),
  r("00402017", "FillerOrderNumberImagingServiceRequest", "Z"),
  r("00404037", "HumanPerformerName", "X"),
  r("0040A027", "VerifyingOrganization", "X"),
  r("0040A073", "VerifyingObserverSequence", "X"),
  r("0040A075", "VerifyingObserverName", "X"),
  r("0040A123", "PersonName", "X"),
  r("0040A124", "UID", "U"),
  r("0040A730", "ContentSequence", "X"),
  r("0040DB0D", "TemplateExtensionCreatorUID", "U"),
  r("00700084", "ContentCreatorName", "Z"),
  r("00880140", "StorageMediaFileSetUID", "U"),
  // Radiotherapy
  r("30060024", "ReferencedFrameOfReferenceUID", "U"),
  r("300600C2", "RelatedFrameOfReferenceUID", "U"),
  r("300A0013", "DoseReferenceUID", "U"),
  r("300E0008", "ReviewerName", "X"),
  // Interpretation (retired) and digital signatures
  r("40084000", "InterpretationText", "X"),
  r("FFFAFFFA", "DigitalSignaturesSequence", "X"),
  r("FFFCFFFC", "DataSetTrailingPadding", "X"),
];

export const BASIC_PROFILE_BY_TAG: ReadonlyMap<string, ProfileRule> = new Map(BASIC_PROFILE.map((rule) => [rule.tag, rule]));

/** Rule for a tag, including the repeating overlay (60xx) and curve (50xx) groups, which are removed. */
export function profileRule(tag: string): ProfileRule | undefined {
  const t = tag.toUpperCase();
  const hit = BASIC_PROFILE_BY_TAG.get(t);
  if (hit) return hit;
  if (/^60[0-9A-F]{2}(3000|4000)$/.test(t) || /^50[0-9A-F]{2}/.test(t)) return { tag: t, keyword: "OverlayOrCurve", action: "X" };
  return undefined;
}

/** DICOM codes for the methods applied (CID 7050). */
export const DEID_METHOD_CODES = {
  basic: { CodeValue: "113100", CodingSchemeDesignator: "DCM", CodeMeaning: "Basic Application Confidentiality Profile" },
  modifiedDates: { CodeValue: "113107", CodingSchemeDesignator: "DCM", CodeMeaning: "Retain Longitudinal Temporal Information Modified Dates Option" },
} as const;
