# The device lab's snmpsimd variation module "smallbuffer": an agent whose response buffer
# overflows at this record. A GetBulk that would carry it in an answer of more than `max`
# repetitions either
#  - is refused with error-status tooBig (mode=toobig, the default: old printers and embedded
#    agents, instead of sending fewer rows as RFC 3416 asks), or
#  - is answered with the rows before it and not this one nor any after it (mode=cut: RFC 3416
#    4.2.3's "lesser number of variable bindings"), which is no row at all when it would be
#    the first, or
#  - is never answered (mode=drop: the answer is lost on the way, as a datagram of many
#    fragments is on a path whose firewall drops fragments).
# Get, GetNext and smaller GetBulks are answered with the recorded value, unless alone=toobig:
# the value fits in no answer at all (tooBig to a Get or GetNext; a GetBulk as above).
# Record line:  OID|4:smallbuffer|max=5,mode=cut,hexvalue=414243
# (snmpsimd loads it with --variation-modules-dir=test/lab/variation.)
import sys

from pysnmp.entity.rfc3413 import cmdrsp
from pysnmp.proto.api import v2c
from pysnmp.smi import error


class _Cut(error.TooBigError):
    """Raised by variate() for a GetBulk that must end before this record (mode=cut)."""


class _Drop(error.TooBigError):
    """Raised by variate() for a GetBulk whose answer is lost (mode=drop)."""


def _handle_bulk(self, snmpEngine, stateReference, contextName, PDU, acInfo):
    """pysnmp's BulkCommandResponder.handleMgmtOperation (RFC 3416 4.2.3), which sends what it
    has read when a record says the answer ends before it, even nothing."""
    (acFun, acCtx) = acInfo
    nonRepeaters = max(int(v2c.apiBulkPDU.getNonRepeaters(PDU)), 0)
    maxRepetitions = max(int(v2c.apiBulkPDU.getMaxRepetitions(PDU)), 0)  # read by _bulk_repetitions
    reqVarBinds = v2c.apiPDU.getVarBinds(PDU)
    N = min(nonRepeaters, len(reqVarBinds))
    R = max(len(reqVarBinds) - N, 0)
    M = min(maxRepetitions, self.maxVarBinds // R) if R else maxRepetitions
    mgmtFun = self.snmpContext.getMibInstrum(contextName).readNextVars
    rspVarBinds = mgmtFun(reqVarBinds[:N], (acFun, acCtx)) if N else []
    varBinds = reqVarBinds[-R:]
    try:
        while M and R:
            rspVarBinds.extend(mgmtFun(varBinds, (acFun, acCtx)))
            varBinds = rspVarBinds[-R:]
            M -= 1
    except _Cut:
        pass
    except _Drop:
        self.releaseStateInformation(stateReference)
        return
    self.sendVarBinds(snmpEngine, stateReference, 0, 0, rspVarBinds)
    self.releaseStateInformation(stateReference)


def init(**context):
    # snmpsimd's responder calls pysnmp's class method by name, so replacing it here is enough
    cmdrsp.BulkCommandResponder.handleMgmtOperation = _handle_bulk


def _settings(value):
    return dict(part.split('=', 1) for part in value.split(',') if '=' in part)


def _bulk_repetitions():
    """The max-repetitions of the GetBulk being answered, or None for any other request."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name in ('handleMgmtOperation', '_handle_bulk') and 'maxRepetitions' in frame.f_locals:
            return int(frame.f_locals['maxRepetitions'])
        frame = frame.f_back
    return None


def variate(oid, tag, value, **context):
    if not context['nextFlag'] and not context['exactMatch']:
        return context['origOid'], tag, context['errorStatus']
    settings = _settings(value)
    repetitions = _bulk_repetitions()
    fits = settings.get('alone') != 'toobig' and (repetitions is None or repetitions <= int(settings.get('max', '1')))
    if not fits:
        if repetitions is not None and settings.get('mode') == 'cut':
            raise _Cut(name=oid, idx=0)
        if repetitions is not None and settings.get('mode') == 'drop':
            raise _Drop(name=oid, idx=0)
        raise error.TooBigError(name=oid, idx=0)
    hexvalue = settings.get('hexvalue', '')
    return oid, tag, [int(hexvalue[i:i + 2], 16) for i in range(0, len(hexvalue), 2)]


def shutdown(**context):
    pass
