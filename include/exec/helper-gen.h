/*
 * helper-gen.h: declare a helper once, get three things: the prototype of
 * helper_NAME, a TCGHelperInfo describing its C signature and flags
 * (helper_info_NAME), and gen_helper_NAME(), which emits the call op.
 *
 *   DEF_HELPER_FLAGS_2(add_sat, TCG_CALL_NO_RWG_SE, i32, i32, i32)
 *   DEF_HELPER_1(raise, void, env)
 *
 * Types: void, i32, s32, i64, s64, ptr, env, tl (= i64). env is the CPU
 * state pointer, HELPER_ENV_TYPE in C (default void *; a target may
 * #define it before including this header) and a TCGv_ptr (tcg_env) in
 * gen_helper_*. Everything is static or a prototype, so the declarations
 * may sit in a header included by several files.
 */
#ifndef EXEC_HELPER_GEN_H
#define EXEC_HELPER_GEN_H

#include "tcg/tcg.h"
#include "tcg/tcg-op.h"

#ifndef HELPER_ENV_TYPE
#define HELPER_ENV_TYPE void *
#endif

#define HELPER(name) helper_##name
#define dh_glue(a, b) dh_glue_(a, b)
#define dh_glue_(a, b) a##b

/* C type of each helper type name. */
#define dh_ctype(t) dh_glue(dh_ctype_, t)
#define dh_ctype_void void
#define dh_ctype_i32 uint32_t
#define dh_ctype_s32 int32_t
#define dh_ctype_i64 uint64_t
#define dh_ctype_s64 int64_t
#define dh_ctype_tl uint64_t
#define dh_ctype_ptr void *
#define dh_ctype_env HELPER_ENV_TYPE

/* TCGCallType of each. */
#define dh_calltype(t) dh_glue(dh_calltype_, t)
#define dh_calltype_void TCG_CALL_VOID
#define dh_calltype_i32 TCG_CALL_I32
#define dh_calltype_s32 TCG_CALL_I32
#define dh_calltype_i64 TCG_CALL_I64
#define dh_calltype_s64 TCG_CALL_I64
#define dh_calltype_tl TCG_CALL_I64
#define dh_calltype_ptr TCG_CALL_PTR
#define dh_calltype_env TCG_CALL_PTR

/* Front-end handle type of each, and how to get its TCGTemp. */
#define dh_tcgv(t) dh_glue(dh_tcgv_, t)
#define dh_tcgv_i32 TCGv_i32
#define dh_tcgv_s32 TCGv_i32
#define dh_tcgv_i64 TCGv_i64
#define dh_tcgv_s64 TCGv_i64
#define dh_tcgv_tl TCGv_i64
#define dh_tcgv_ptr TCGv_ptr
#define dh_tcgv_env TCGv_ptr

#define dh_temp(t, x) dh_glue(dh_temp_, t)(x)
#define dh_temp_i32(x) tcgv_i32_temp(x)
#define dh_temp_s32(x) tcgv_i32_temp(x)
#define dh_temp_i64(x) tcgv_i64_temp(x)
#define dh_temp_s64(x) tcgv_i64_temp(x)
#define dh_temp_tl(x) tcgv_i64_temp(x)
#define dh_temp_ptr(x) tcgv_ptr_temp(x)
#define dh_temp_env(x) tcgv_ptr_temp(x)

/*
 * The return value as the first gen_helper parameter: nothing for void.
 * dh_retdecl is followed by more parameters, dh_retdecl0 stands alone.
 */
#define dh_retdecl(t) dh_glue(dh_retdecl_, t)
#define dh_retdecl_void
#define dh_retdecl_i32 TCGv_i32 retval,
#define dh_retdecl_s32 TCGv_i32 retval,
#define dh_retdecl_i64 TCGv_i64 retval,
#define dh_retdecl_s64 TCGv_i64 retval,
#define dh_retdecl_tl TCGv_i64 retval,
#define dh_retdecl_ptr TCGv_ptr retval,
#define dh_retdecl_env TCGv_ptr retval,
#define dh_retdecl0(t) dh_glue(dh_retdecl0_, t)
#define dh_retdecl0_void void
#define dh_retdecl0_i32 TCGv_i32 retval
#define dh_retdecl0_s32 TCGv_i32 retval
#define dh_retdecl0_i64 TCGv_i64 retval
#define dh_retdecl0_s64 TCGv_i64 retval
#define dh_retdecl0_tl TCGv_i64 retval
#define dh_retdecl0_ptr TCGv_ptr retval
#define dh_retdecl0_env TCGv_ptr retval
#define dh_retvar(t) dh_glue(dh_retvar_, t)
#define dh_retvar_void NULL
#define dh_retvar_i32 tcgv_i32_temp(retval)
#define dh_retvar_s32 tcgv_i32_temp(retval)
#define dh_retvar_i64 tcgv_i64_temp(retval)
#define dh_retvar_s64 tcgv_i64_temp(retval)
#define dh_retvar_tl tcgv_i64_temp(retval)
#define dh_retvar_ptr tcgv_ptr_temp(retval)
#define dh_retvar_env tcgv_ptr_temp(retval)

#define DH_INFO(NAME, FLAGS, RET, N, ...)                                     \
    static const TCGHelperInfo helper_info_##NAME __attribute__((unused)) = { \
        .func = (void *)HELPER(NAME), .name = #NAME, .flags = (FLAGS),        \
        .nargs = (N), .ret = dh_calltype(RET), .args = { __VA_ARGS__ },       \
    };

#define DEF_HELPER_FLAGS_0(name, flags, ret)                                  \
    dh_ctype(ret) HELPER(name)(void);                                         \
    DH_INFO(name, flags, ret, 0, TCG_CALL_VOID)                               \
    static inline void __attribute__((unused))                                \
    gen_helper_##name(dh_retdecl0(ret))                                       \
    {                                                                         \
        tcg_gen_callN(&helper_info_##name, dh_retvar(ret), NULL);             \
    }

#define DEF_HELPER_FLAGS_1(name, flags, ret, t1)                              \
    dh_ctype(ret) HELPER(name)(dh_ctype(t1));                                 \
    DH_INFO(name, flags, ret, 1, dh_calltype(t1))                             \
    static inline void __attribute__((unused))                                \
    gen_helper_##name(dh_retdecl(ret) dh_tcgv(t1) a1)                         \
    {                                                                         \
        TCGTemp *args_[1] = { dh_temp(t1, a1) };                              \
        tcg_gen_callN(&helper_info_##name, dh_retvar(ret), args_);            \
    }

#define DEF_HELPER_FLAGS_2(name, flags, ret, t1, t2)                          \
    dh_ctype(ret) HELPER(name)(dh_ctype(t1), dh_ctype(t2));                   \
    DH_INFO(name, flags, ret, 2, dh_calltype(t1), dh_calltype(t2))            \
    static inline void __attribute__((unused))                                \
    gen_helper_##name(dh_retdecl(ret) dh_tcgv(t1) a1, dh_tcgv(t2) a2)         \
    {                                                                         \
        TCGTemp *args_[2] = { dh_temp(t1, a1), dh_temp(t2, a2) };             \
        tcg_gen_callN(&helper_info_##name, dh_retvar(ret), args_);            \
    }

#define DEF_HELPER_FLAGS_3(name, flags, ret, t1, t2, t3)                      \
    dh_ctype(ret) HELPER(name)(dh_ctype(t1), dh_ctype(t2), dh_ctype(t3));     \
    DH_INFO(name, flags, ret, 3, dh_calltype(t1), dh_calltype(t2),            \
            dh_calltype(t3))                                                  \
    static inline void __attribute__((unused))                                \
    gen_helper_##name(dh_retdecl(ret) dh_tcgv(t1) a1, dh_tcgv(t2) a2,         \
                      dh_tcgv(t3) a3)                                         \
    {                                                                         \
        TCGTemp *args_[3] = { dh_temp(t1, a1), dh_temp(t2, a2),               \
                              dh_temp(t3, a3) };                              \
        tcg_gen_callN(&helper_info_##name, dh_retvar(ret), args_);            \
    }

#define DEF_HELPER_FLAGS_4(name, flags, ret, t1, t2, t3, t4)                  \
    dh_ctype(ret) HELPER(name)(dh_ctype(t1), dh_ctype(t2), dh_ctype(t3),      \
                               dh_ctype(t4));                                 \
    DH_INFO(name, flags, ret, 4, dh_calltype(t1), dh_calltype(t2),            \
            dh_calltype(t3), dh_calltype(t4))                                 \
    static inline void __attribute__((unused))                                \
    gen_helper_##name(dh_retdecl(ret) dh_tcgv(t1) a1, dh_tcgv(t2) a2,         \
                      dh_tcgv(t3) a3, dh_tcgv(t4) a4)                         \
    {                                                                         \
        TCGTemp *args_[4] = { dh_temp(t1, a1), dh_temp(t2, a2),               \
                              dh_temp(t3, a3), dh_temp(t4, a4) };             \
        tcg_gen_callN(&helper_info_##name, dh_retvar(ret), args_);            \
    }

#define DEF_HELPER_FLAGS_5(name, flags, ret, t1, t2, t3, t4, t5)              \
    dh_ctype(ret) HELPER(name)(dh_ctype(t1), dh_ctype(t2), dh_ctype(t3),      \
                               dh_ctype(t4), dh_ctype(t5));                   \
    DH_INFO(name, flags, ret, 5, dh_calltype(t1), dh_calltype(t2),            \
            dh_calltype(t3), dh_calltype(t4), dh_calltype(t5))                \
    static inline void __attribute__((unused))                                \
    gen_helper_##name(dh_retdecl(ret) dh_tcgv(t1) a1, dh_tcgv(t2) a2,         \
                      dh_tcgv(t3) a3, dh_tcgv(t4) a4, dh_tcgv(t5) a5)         \
    {                                                                         \
        TCGTemp *args_[5] = { dh_temp(t1, a1), dh_temp(t2, a2),               \
                              dh_temp(t3, a3), dh_temp(t4, a4),               \
                              dh_temp(t5, a5) };                              \
        tcg_gen_callN(&helper_info_##name, dh_retvar(ret), args_);            \
    }

#define DEF_HELPER_FLAGS_6(name, flags, ret, t1, t2, t3, t4, t5, t6)          \
    dh_ctype(ret) HELPER(name)(dh_ctype(t1), dh_ctype(t2), dh_ctype(t3),      \
                               dh_ctype(t4), dh_ctype(t5), dh_ctype(t6));     \
    DH_INFO(name, flags, ret, 6, dh_calltype(t1), dh_calltype(t2),            \
            dh_calltype(t3), dh_calltype(t4), dh_calltype(t5),                \
            dh_calltype(t6))                                                  \
    static inline void __attribute__((unused))                                \
    gen_helper_##name(dh_retdecl(ret) dh_tcgv(t1) a1, dh_tcgv(t2) a2,         \
                      dh_tcgv(t3) a3, dh_tcgv(t4) a4, dh_tcgv(t5) a5,         \
                      dh_tcgv(t6) a6)                                         \
    {                                                                         \
        TCGTemp *args_[6] = { dh_temp(t1, a1), dh_temp(t2, a2),               \
                              dh_temp(t3, a3), dh_temp(t4, a4),               \
                              dh_temp(t5, a5), dh_temp(t6, a6) };             \
        tcg_gen_callN(&helper_info_##name, dh_retvar(ret), args_);            \
    }

#define DEF_HELPER_0(name, ret) DEF_HELPER_FLAGS_0(name, 0, ret)
#define DEF_HELPER_1(name, ret, t1) DEF_HELPER_FLAGS_1(name, 0, ret, t1)
#define DEF_HELPER_2(name, ret, t1, t2) DEF_HELPER_FLAGS_2(name, 0, ret, t1, t2)
#define DEF_HELPER_3(name, ret, t1, t2, t3) \
    DEF_HELPER_FLAGS_3(name, 0, ret, t1, t2, t3)
#define DEF_HELPER_4(name, ret, t1, t2, t3, t4) \
    DEF_HELPER_FLAGS_4(name, 0, ret, t1, t2, t3, t4)
#define DEF_HELPER_5(name, ret, t1, t2, t3, t4, t5) \
    DEF_HELPER_FLAGS_5(name, 0, ret, t1, t2, t3, t4, t5)
#define DEF_HELPER_6(name, ret, t1, t2, t3, t4, t5, t6) \
    DEF_HELPER_FLAGS_6(name, 0, ret, t1, t2, t3, t4, t5, t6)

#endif
