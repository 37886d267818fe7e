#!/usr/bin/env python3
"""Converts the two real ECG recordings that Debian ships into the FHIR resources OpenIMD's tests and
demo use (fhir-server/src/main/resources/org/openimd/server/waveform/samples). Run once; the output
is committed. See README.md beside this script for origin and licences.

    apt-get download python3-scipy python3-pydicom      # bookworm: 1.10.1-2 and 2.3.1-1
    dpkg-deb -x python3-scipy_*.deb scipy; dpkg-deb -x python3-pydicom_*.deb pydicom
    PYTHONPATH=pydicom/usr/lib/python3/dist-packages python3 convert.py scipy pydicom OUT_DIR

The samples stay integers as recorded (ADC units) and the scale goes into SampledData's origin and
factor, so nothing is rounded. The resources carry no subject and no time: whoever stores one gives
it the patient and the time of recording.
"""
import io
import json
import sys
import zipfile

import numpy
import pydicom

WAVEFORM_SYSTEM = "https://openimd.org/fhir/CodeSystem/cardiac-waveform"
MDC = "urn:iso:std:iso:11073:10101"
UCUM = "http://unitsofmeasure.org"
# MDC_ECG_ELEC_POTL_x = 131328 + SCP-ECG lead number (shared/reference/ecg.md 1.3).
SCP_ECG_LEADS = {1: "I", 2: "II", 61: "III", 62: "aVR", 63: "aVL", 64: "aVF", 3: "V1", 4: "V2", 5: "V3", 6: "V4", 7: "V5", 8: "V6"}


def channel(code, display, text, origin, unit, period_ms, factor, samples):
    return {
        "code": {"coding": [{"system": MDC, "code": str(code), "display": display}], "text": text},
        "valueSampledData": {
            "origin": {"value": origin, "system": UCUM, "code": unit, "unit": unit},
            "period": period_ms,
            "factor": factor,
            "dimensions": 1,
            "data": " ".join(str(int(v)) for v in samples),
        },
    }


def strip(components, note):
    return {
        "resourceType": "Observation",
        "meta": {"profile": ["https://openimd.org/fhir/StructureDefinition/cardiac-waveform"]},
        "status": "final",
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "procedure"}]}],
        "code": {"coding": [{"system": WAVEFORM_SYSTEM, "code": "ecg-strip", "display": "ECG strip"}]},
        "note": [{"text": note}],
        "component": components,
    }


def mitdb_208(scipy_root):
    """MIT-BIH Arrhythmia Database record 208, lead MLII, 19:35-24:35, 360 Hz, in 10 s strips."""
    with zipfile.ZipFile(scipy_root + "/usr/lib/python3/dist-packages/scipy/misc/ecg.dat") as archive:
        adc = numpy.load(io.BytesIO(archive.read("ecg.npy")))
    assert adc.dtype == numpy.dtype("<u2") and adc.shape == (108000,), (adc.dtype, adc.shape)
    strips = []
    for start in range(0, adc.size, 3600):
        seconds = start // 360
        note = ("MIT-BIH Arrhythmia Database record 208, lead MLII, seconds %d-%d of the excerpt 19:35-24:35 "
                "that SciPy ships (scipy.misc.electrocardiogram); mV = (adc - 1024) / 200." % (seconds, seconds + 10))
        # MLII: a modified lead II; coded as lead II, its own name in the text.
        strips.append(strip([channel(131330, "MDC_ECG_ELEC_POTL_II", "MLII", -5.12, "mV", round(1000 / 360, 6), 0.005,
                                     adc[start:start + 3600])], note))
    return {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": s} for s in strips]}


def pydicom_12_lead(pydicom_root):
    """The 10 s, 1000 Hz, 12-lead rhythm of pydicom's waveform_ecg.dcm, with the machine's reading."""
    ds = pydicom.dcmread(pydicom_root + "/usr/lib/python3/dist-packages/pydicom/data/test_files/waveform_ecg.dcm")
    group = ds.WaveformSequence[0]
    assert group.MultiplexGroupLabel == "RHYTHM" and group.WaveformBitsAllocated == 16 and group.WaveformSampleInterpretation == "SS"
    raw = numpy.frombuffer(group.WaveformData, dtype="<i2").reshape(group.NumberOfWaveformSamples, group.NumberOfWaveformChannels)
    components = []
    for index, definition in enumerate(group.ChannelDefinitionSequence):
        source = definition.ChannelSourceSequence[0]
        lead = SCP_ECG_LEADS[int(source.CodeValue.split("-")[-1])]
        unit = definition.ChannelSensitivityUnitsSequence[0].CodeValue
        factor = float(definition.ChannelSensitivity) * float(definition.ChannelSensitivityCorrectionFactor)
        origin = float(definition.ChannelBaseline) * factor
        components.append(channel(131328 + int(source.CodeValue.split("-")[-1]), "MDC_ECG_ELEC_POTL_" + lead.upper(), lead,
                                  origin, unit, 1000 / float(group.SamplingFrequency), factor, raw[:, index]))
    readings = [a.UnformattedTextValue for a in ds.WaveformAnnotationSequence if a.get("UnformattedTextValue")]
    observation = strip(components, "Resting 12-lead ECG from pydicom's test file waveform_ecg.dcm (%s %s, anonymised), "
                        "rhythm group: 10 s at 1000 Hz." % (ds.Manufacturer, ds.get("ManufacturerModelName", "")))
    observation["interpretation"] = [{"text": text} for text in readings]
    return observation


def write(path, resource):
    with open(path, "w") as out:
        json.dump(resource, out, separators=(",", ":"))
        out.write("\n")


if __name__ == "__main__":
    scipy_root, pydicom_root, out_dir = sys.argv[1:4]
    write(out_dir + "/mitdb-208-mlii-strips.json", mitdb_208(scipy_root))
    write(out_dir + "/pydicom-12-lead-ecg.json", pydicom_12_lead(pydicom_root))
