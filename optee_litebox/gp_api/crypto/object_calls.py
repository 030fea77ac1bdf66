"""Syscalls 24-31: object info, usage, attributes, alloc, close, reset, populate, copy.

core/tee/tee_svc_cryp.c (syscall_cryp_obj_*). Unknown handles answer what
tee_obj_get() answers (TEE_ERROR_BAD_STATE) except get_attr (TEE_ERROR_ITEM_NOT_FOUND).
"""
from __future__ import annotations

import struct

from ...abi import crypto as c
from ...abi.results import (TEE_ERROR_BAD_PARAMETERS, TEE_ERROR_BAD_STATE,
                            TEE_ERROR_ITEM_NOT_FOUND, TEE_ERROR_NOT_IMPLEMENTED,
                            TEE_ERROR_NOT_SUPPORTED, TEE_ERROR_OUT_OF_MEMORY,
                            TEE_ERROR_SECURITY, TEE_ERROR_SHORT_BUFFER, TEE_SUCCESS)
from ..context import SyscallContext
from ..objects import (ATTR_BIGNUM_MAXBITS, ATTR_GEN_KEY_OPT, ATTR_GEN_KEY_REQ,
                       ATTR_OPTIONAL_GROUP, ATTR_REQUIRED, ATTR_SIZE_INDICATOR,
                       KEY_SIZE_BYTES_25519, AttrKind, GpObject, TypeProps, attr_clear,
                       attr_copy_from, check_key_size, int_to_bytes,
                       is_gp_legacy_des_key_size, set_type)
from ..registry import syscall
from .common import Attr, Bounce, copy_in_attrs, get_u64

#: struct utee_object_info: seven uint32_t.
UTEE_OBJECT_INFO = struct.Struct("<7I")

EC_KEY_SIZES = {c.TEE_ECC_CURVE_NIST_P192: 192, c.TEE_ECC_CURVE_NIST_P224: 224,
                c.TEE_ECC_CURVE_NIST_P256: 256, c.TEE_ECC_CURVE_NIST_P384: 384,
                c.TEE_ECC_CURVE_NIST_P521: 521, c.TEE_ECC_CURVE_SM2: 256,
                c.TEE_ECC_CURVE_25519: 256}


def write_handle(ctx: SyscallContext, addr: int, handle: int) -> None:
    """copy_kaddr_to_uref(): a 32-bit handle to user memory."""
    ctx.mem.write_u32(addr, handle)


@syscall(24)
def syscall_cryp_obj_get_info(ctx: SyscallContext, obj: int, info: int) -> int:
    """TEE_Result syscall_cryp_obj_get_info(unsigned long obj, struct utee_object_info *info);"""
    o = ctx.cryp.objects.get(obj)
    if o is None:
        return TEE_ERROR_BAD_STATE
    ctx.mem.write(info, UTEE_OBJECT_INFO.pack(
        o.obj_type, o.object_size, o.max_object_size, o.usage, o.data_size & 0xFFFFFFFF,
        o.data_position & 0xFFFFFFFF, o.handle_flags), private=True)
    return TEE_SUCCESS


@syscall(25)
def syscall_cryp_obj_restrict_usage(ctx: SyscallContext, obj: int, usage: int) -> int:
    """TEE_Result syscall_cryp_obj_restrict_usage(unsigned long obj, unsigned long usage);"""
    o = ctx.cryp.objects.get(obj)
    if o is None:
        return TEE_ERROR_BAD_STATE
    new_usage = o.usage & usage & 0xFFFFFFFF
    if o.persistent and o.pobj is not None:
        res = o.pobj.write_usage(new_usage)
        if res == TEE_SUCCESS:
            o.pobj.usage = new_usage
        return res
    o.usage = new_usage
    return TEE_SUCCESS


def attr_to_user(ctx: SyscallContext, kind: AttrKind, value: object, buffer: int,
                 size_addr: int) -> int:
    """The to_user operation of each attribute kind (size through uint64_t *size)."""
    have = get_u64(ctx, size_addr)
    if kind == AttrKind.VALUE:
        if have < 8 or not buffer:
            return TEE_ERROR_SHORT_BUFFER
        ctx.mem.write(buffer, struct.pack("<II", int(value) & 0xFFFFFFFF, 0))  # type: ignore[call-overload]
        return TEE_SUCCESS
    if kind == AttrKind.BIGNUM:
        raw = int_to_bytes(int(value))  # type: ignore[call-overload]
    else:
        raw = bytes(value)  # type: ignore[call-overload]
        if kind == AttrKind.C25519:
            raw = raw[:KEY_SIZE_BYTES_25519]
    ctx.mem.write(size_addr, struct.pack("<Q", len(raw)))
    if kind == AttrKind.BIGNUM and not raw:
        return TEE_SUCCESS
    if have < len(raw) or not buffer:
        return TEE_ERROR_SHORT_BUFFER
    if kind == AttrKind.BIGNUM and Bounce().alloc(len(raw)) is None:
        return TEE_ERROR_OUT_OF_MEMORY
    ctx.mem.write(buffer, raw)
    return TEE_SUCCESS


@syscall(26)
def syscall_cryp_obj_get_attr(ctx: SyscallContext, obj: int, attr_id: int, buffer: int,
                              size: int) -> int:
    """TEE_Result syscall_cryp_obj_get_attr(unsigned long obj, unsigned long attr_id, void *buffer, uint64_t *size);

    Secret attributes need TEE_USAGE_EXTRACTABLE; bignums come back without leading
    zeros, value attributes as {a, 0} (their size is not written back).
    """
    o = ctx.cryp.objects.get(obj)
    if o is None:
        return TEE_ERROR_ITEM_NOT_FOUND
    if not o.initialized:
        return TEE_ERROR_BAD_PARAMETERS
    if not attr_id & c.TEE_ATTR_FLAG_PUBLIC and not o.usage & c.TEE_USAGE_EXTRACTABLE:
        return TEE_ERROR_BAD_PARAMETERS
    if o.props is None:
        return TEE_ERROR_BAD_STATE
    idx = o.props.index(attr_id & 0xFFFFFFFF)
    if idx < 0 or not o.have_attrs & (1 << idx):
        return TEE_ERROR_ITEM_NOT_FOUND
    return attr_to_user(ctx, o.props.attrs[idx].kind, o.values[idx], buffer, size)


@syscall(27)
def syscall_cryp_obj_alloc(ctx: SyscallContext, obj_type: int, max_key_size: int,
                           obj: int) -> int:
    """TEE_Result syscall_cryp_obj_alloc(unsigned long obj_type, unsigned long max_key_size, uint32_t *obj);"""
    o = GpObject()
    res = set_type(o, obj_type, max_key_size)
    if res != TEE_SUCCESS:
        return res
    handle = ctx.cryp.objects.add(o)
    try:
        write_handle(ctx, obj, handle)
    except Exception:
        ctx.cryp.objects.close(o)
        raise
    return TEE_SUCCESS


@syscall(28)
def syscall_cryp_obj_close(ctx: SyscallContext, obj: int) -> int:
    """TEE_Result syscall_cryp_obj_close(unsigned long obj);

    A key held by an operation state is busy: its handle answers TEE_ERROR_ITEM_NOT_FOUND.
    """
    o = ctx.cryp.objects.get(obj)
    if o is None:
        return TEE_ERROR_BAD_STATE
    if o.busy:
        return TEE_ERROR_ITEM_NOT_FOUND
    ctx.cryp.objects.close(o)
    return TEE_SUCCESS


@syscall(29)
def syscall_cryp_obj_reset(ctx: SyscallContext, obj: int) -> int:
    """TEE_Result syscall_cryp_obj_reset(unsigned long obj);"""
    o = ctx.cryp.objects.get(obj)
    if o is None:
        return TEE_ERROR_BAD_STATE
    if o.persistent:
        return TEE_ERROR_BAD_PARAMETERS
    attr_clear(o)
    o.object_size = 0
    o.usage = c.TEE_USAGE_DEFAULT
    o.handle_flags &= ~c.TEE_HANDLE_FLAG_INITIALIZED
    return TEE_SUCCESS


def check_attrs(props: TypeProps, attrs: list[Attr], generate: bool) -> int:
    """tee_svc_cryp_check_attr(): known, not repeated, required present, groups whole."""
    required_flag = ATTR_GEN_KEY_REQ if generate else ATTR_REQUIRED
    opt_flag = ATTR_GEN_KEY_OPT if generate else ATTR_OPTIONAL_GROUP
    req = opt = found = 0
    for n, ta in enumerate(props.attrs):
        if ta.flags & required_flag:
            req |= 1 << n
        elif ta.flags & opt_flag:
            opt |= 1 << n
    for attr in attrs:
        idx = props.index(attr.attr_id)
        if idx < 0:
            return TEE_ERROR_ITEM_NOT_FOUND
        bit = 1 << idx
        if found & bit or not bit & (req | opt):
            return TEE_ERROR_ITEM_NOT_FOUND
        found |= bit
    if found & req != req:
        return TEE_ERROR_ITEM_NOT_FOUND
    if not generate and found & opt and found & opt != opt:
        return TEE_ERROR_ITEM_NOT_FOUND
    return TEE_SUCCESS


def attr_from_user(ctx: SyscallContext, bb: Bounce, o: GpObject, idx: int, attr: Attr) -> int:
    """The from_user operation of each attribute kind, into o.values[idx]."""
    assert o.props is not None
    kind = o.props.attrs[idx].kind
    if kind == AttrKind.VALUE:
        o.values[idx] = attr.a & 0xFFFFFFFF
    elif kind == AttrKind.SECRET:
        if attr.length > o.props.secret_alloc:
            return TEE_ERROR_SECURITY
        o.values[idx] = attr.data(ctx)
    elif kind == AttrKind.C25519:
        if attr.length != KEY_SIZE_BYTES_25519:
            return TEE_ERROR_SECURITY
        o.values[idx] = attr.data(ctx)
    else:
        start = bb.alloc(attr.length)
        if start is None:
            return TEE_ERROR_OUT_OF_MEMORY
        o.values[idx] = int.from_bytes(attr.data(ctx), "big")
        bb.free(start, attr.length)
    return TEE_SUCCESS


def populate_type(ctx: SyscallContext, bb: Bounce, o: GpObject, attrs: list[Attr]) -> int:
    """tee_svc_cryp_obj_populate_type(): store the attributes, derive the object size."""
    props = o.props
    assert props is not None
    have = 0
    obj_size = 0
    for attr in attrs:
        idx = props.index(attr.attr_id)
        if idx < 0:
            return TEE_ERROR_ITEM_NOT_FOUND
        have |= 1 << idx
        res = attr_from_user(ctx, bb, o, idx, attr)
        if res != TEE_SUCCESS:
            return res
        flags = props.attrs[idx].flags
        if flags & ATTR_SIZE_INDICATOR:
            if obj_size:
                return TEE_ERROR_BAD_STATE
            if attr.attr_id == c.TEE_ATTR_ECC_CURVE:
                size = EC_KEY_SIZES.get(attr.a & 0xFFFFFFFF)
                if size is None:
                    return TEE_ERROR_NOT_SUPPORTED
                obj_size = size
            else:
                obj_size = attr.length * 8
                if is_gp_legacy_des_key_size(o.obj_type, o.max_object_size):
                    obj_size -= obj_size // 8
            if obj_size > o.max_object_size:
                return TEE_ERROR_BAD_STATE
            if check_key_size(props, obj_size) != TEE_SUCCESS:
                return TEE_ERROR_BAD_PARAMETERS
        if flags & ATTR_BIGNUM_MAXBITS:
            if int(o.values[idx]).bit_length() > o.max_object_size:
                return TEE_ERROR_BAD_STATE
    o.have_attrs = have
    o.object_size = obj_size
    if is_gp_legacy_des_key_size(o.obj_type, o.max_object_size):
        o.object_size -= o.object_size // 8
    return TEE_SUCCESS


@syscall(30)
def syscall_cryp_obj_populate(ctx: SyscallContext, obj: int, attrs: int, attr_count: int) -> int:
    """TEE_Result syscall_cryp_obj_populate(unsigned long obj, struct utee_attribute *attrs, unsigned long attr_count);"""
    o = ctx.cryp.objects.get(obj)
    if o is None:
        return TEE_ERROR_BAD_STATE
    if o.persistent or o.initialized:
        return TEE_ERROR_BAD_PARAMETERS
    if o.props is None:
        return TEE_ERROR_NOT_IMPLEMENTED
    bb = Bounce()
    res, parsed = copy_in_attrs(ctx, bb, attrs, attr_count)
    if res != TEE_SUCCESS:
        return res
    res = check_attrs(o.props, parsed, generate=False)
    if res != TEE_SUCCESS:
        return res
    res = populate_type(ctx, bb, o, parsed)
    if res == TEE_SUCCESS:
        o.handle_flags |= c.TEE_HANDLE_FLAG_INITIALIZED
    return res


@syscall(31)
def syscall_cryp_obj_copy(ctx: SyscallContext, dst_obj: int, src_obj: int) -> int:
    """TEE_Result syscall_cryp_obj_copy(unsigned long dst_obj, unsigned long src_obj);"""
    dst = ctx.cryp.objects.get(dst_obj)
    if dst is None:
        return TEE_ERROR_BAD_STATE
    src = ctx.cryp.objects.get(src_obj)
    if src is None:
        return TEE_ERROR_BAD_STATE
    if not src.initialized or dst.persistent or dst.initialized:
        return TEE_ERROR_BAD_PARAMETERS
    res = attr_copy_from(dst, src)
    if res != TEE_SUCCESS:
        return res
    dst.handle_flags |= c.TEE_HANDLE_FLAG_INITIALIZED
    dst.object_size = src.object_size
    dst.usage = src.usage
    return TEE_SUCCESS
