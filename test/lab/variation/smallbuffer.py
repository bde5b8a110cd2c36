# The device lab's snmpsimd variation module "smallbuffer": an agent whose response buffer
# overflows at this record. A GetBulk that would carry it in an answer of more than `max`
# repetitions is refused with error-status tooBig (as old printers and embedded agents do,
# instead of sending fewer rows as RFC 3416 asks); Get, GetNext and smaller GetBulks are
# answered with the recorded value. Record line:  OID|4:smallbuffer|max=5,hexvalue=414243
# (snmpsimd loads it with --variation-modules-dir=test/lab/variation.)
import sys

from pysnmp.smi import error


def init(**context):
    pass


def _settings(value):
    return dict(part.split('=', 1) for part in value.split(',') if '=' in part)


def _bulk_repetitions():
    """The max-repetitions of the GetBulk being answered, or None for any other request."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == 'handleMgmtOperation' and 'maxRepetitions' in frame.f_locals:
            return int(frame.f_locals['maxRepetitions'])
        frame = frame.f_back
    return None


def variate(oid, tag, value, **context):
    if not context['nextFlag'] and not context['exactMatch']:
        return context['origOid'], tag, context['errorStatus']
    settings = _settings(value)
    repetitions = _bulk_repetitions()
    if repetitions is not None and repetitions > int(settings.get('max', '1')):
        raise error.TooBigError(name=oid, idx=0)
    hexvalue = settings.get('hexvalue', '')
    return oid, tag, [int(hexvalue[i:i + 2], 16) for i in range(0, len(hexvalue), 2)]


def shutdown(**context):
    pass
