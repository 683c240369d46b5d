/** How enum values read on screen: the contract's values, in words. */
const SPECIAL: Record<string, string> = {
  TK: "TK",
  K: "K",
  not_recorded: "Not recorded",
  yes: "Yes",
  no: "No",
  gym_or_athletics: "Gym or athletics",
  off_campus_school_activity: "Off-campus school activity",
  school_grounds_other: "School grounds (other)",
  american_indian_alaska_native: "American Indian or Alaska Native",
  black: "Black or African American",
  hispanic_latino: "Hispanic or Latino",
  middle_eastern_north_african: "Middle Eastern or North African",
  native_hawaiian_pacific_islander: "Native Hawaiian or Pacific Islander",
  referral_to_school_administrator: "Referral to school administrator",
  nonbinary: "Nonbinary",
  ungraded: "Ungraded",
};

export const label = (value: string): string => {
  const special = SPECIAL[value];
  if (special) return special;
  const words = value.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
};
