-- @site Bendigo Medical Clinic
-- Best Practice (Halo Connect): patients aged 65 and over, with their usual doctor.
SELECT TOP 50 InternalID, Surname, Firstname, DOB, Sex, City, Postcode, UsualDoctor
FROM BPS_Patients
WHERE DATEDIFF(year, DOB, GETDATE()) >= 65
ORDER BY Surname, Firstname;
