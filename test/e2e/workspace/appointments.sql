-- @site Bendigo Medical Clinic
-- Best Practice (Halo Connect): the next week's appointments.
SELECT AppointmentDate, AppointmentTime, Patient, Provider, Status, AppointmentType
FROM BPS_Appointments
WHERE AppointmentDate >= CONVERT(date, GETDATE())
  AND AppointmentDate < DATEADD(day, 7, GETDATE())
ORDER BY AppointmentDate, AppointmentTime;
