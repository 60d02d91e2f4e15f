"""The 56 ethnic groups (民族) of GB/T 3304-1991, for the 民族 field of a certificate.

GB/T 3304 lists each group under its full name (汉族, codes 01 to 56). A resident ID
card prints the name without the final 族 (汉, 蒙古), and a certificate stores it so.
The standard adds two entries that are not ethnic groups, 97 其他 and 98
外国血统中国籍人士, which an ID card prints as they are.
"""

from __future__ import annotations

# In the order of their GB/T 3304 codes, 01 to 56.
ETHNIC_GROUPS = (
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族",
    "朝鲜族", "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族",
    "黎族", "傈僳族", "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族",
    "景颇族", "柯尔克孜族", "土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族",
    "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族",
    "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族", "塔塔尔族", "独龙族",
    "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
)  # fmt: skip
# Codes 97 and 98 of GB/T 3304, under their names in the standard.
OTHER_ENTRIES = ("其他", "外国血统中国籍人士")

# The names as a resident ID card prints them, in the order of their codes: 汉, 蒙古,
# 回, …, 基诺, 其他, 外国血统中国籍人士.
ID_CARD_NAMES = (
    *(name.removesuffix("族") for name in ETHNIC_GROUPS),
    *OTHER_ENTRIES,
)
